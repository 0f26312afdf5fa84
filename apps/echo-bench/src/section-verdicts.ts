import { requestsPerSecond } from './figures.ts'
import { sizeLabel } from './format.ts'
import { judge, missingIn, type Verdict } from './judge.ts'
import type { SectionResults } from './results.ts'
import type { ServerKind } from './servers.ts'

/** The servers wirekit must reach (1.0x) in each comparison that has targets. */
const TARGETS: Partial<Record<SectionResults['id'], readonly ServerKind[]>> = {
  unix: ['raw', 'asyncio', 'uvloop'], // issue 13
  tls: ['raw', 'uvloop'], // issue 12
  udp: ['raw', 'asyncio', 'uvloop'], // issue 13
}

/** What a kind of server is called in a comparison's targets (`raw node:tls`). */
function peerName(section: SectionResults, kind: ServerKind): string {
  return section.servers.find((s) => s.kind === kind)?.name ?? kind
}

/**
 * The targets of a comparison, computed from its own figures: wirekit's requests (datagrams)
 * per second at least 1.0x each peer the issue names, at every size. Comparisons without
 * targets (several cores, PROXY) give none.
 */
export function sectionVerdicts(section: SectionResults): Verdict[] {
  const kinds = TARGETS[section.id] ?? []
  const unit = section.id === 'udp' ? 'datagrams/s' : 'req/s'
  return section.servers
    .filter((server) => server.kind === 'wirekit')
    .flatMap((wirekit) =>
      kinds.flatMap((kind) => {
        const peer = section.servers.find((s) => s.kind === kind)
        const name = peerName(section, kind)
        return section.sizes.map((size) =>
          judge(
            wirekit.name,
            `${unit} at least 1.0x ${name}'s at ${sizeLabel(size)}`,
            requestsPerSecond(section, wirekit.name, size),
            peer && requestsPerSecond(section, peer.name, size),
            missingIn(name),
            1,
            false,
            unit,
          ),
        )
      }),
    )
}
