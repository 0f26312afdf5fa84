import type { RunPlan } from './results.ts'

/**
 * The comparisons of a run: plain TCP (with idle memory, on every Node line), Unix sockets, TLS,
 * UDP datagrams, several cores and the PROXY header's cost per connection.
 */
export const SECTION_IDS = ['tcp', 'unix', 'tls', 'udp', 'workers', 'proxy'] as const

/** One comparison of a run. */
export type SectionId = (typeof SECTION_IDS)[number]

/** The comparisons besides plain TCP. */
export type ExtraSectionId = Exclude<SectionId, 'tcp'>

/** The small message of the PROXY comparison, sent once per connection. */
export const PROXY_MESSAGE_SIZE = 64

/**
 * The sizes a comparison measures: `--sizes` for Unix sockets and TLS, `--datagram-sizes` for
 * UDP, the smallest and largest of `--sizes` for several cores, one small message for PROXY.
 */
export function sectionSizes(id: ExtraSectionId, plan: RunPlan): readonly number[] {
  switch (id) {
    case 'unix':
    case 'tls':
      return plan.sizes
    case 'udp':
      return plan.datagramSizes ?? []
    case 'workers':
      return [...new Set([Math.min(...plan.sizes), Math.max(...plan.sizes)])]
    case 'proxy':
      return [PROXY_MESSAGE_SIZE]
  }
}
