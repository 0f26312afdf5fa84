import { availableParallelism, loadavg } from 'node:os'

/**
 * TCP's initial retransmission timeout. When a burst of connects fills a server's accept queue,
 * the kernel drops the last step of a handshake and retries it this much later: the client took
 * the connection as open, the server accepts it (and starts its timers) a second later. Checks on
 * bursts of connects allow for one such retry.
 */
export const HANDSHAKE_RETRY_MS = 1000

/** A margin for a timing check, and how it was reached (for the check's evidence). */
export interface TimingMargin {
  readonly ms: number
  /** `500 ms × 6.2 (load average 12.4 on 2 cores)`. */
  readonly description: string
}

/**
 * How many times slower than an idle machine this one may be now: the 1-minute load average per
 * core, at least 1. On a machine shared with other builds a process can wait seconds for a core,
 * so a bound that holds on a quiet machine fails there without anything being wrong.
 */
export function loadFactor(load: number = loadavg()[0] ?? 0): number {
  return Math.max(1, load / availableParallelism())
}

/**
 * A margin for timing checks that judge behaviour, not speed: `baseMs` on an idle machine, scaled
 * by the {@link loadFactor} read now. Use it for upper bounds only ("closed within the timeout +
 * the margin"); a lower bound ("not before the timeout") needs none.
 * @example
 * ```ts
 * const margin = timingMargin(500)
 * report.check('closed at the timeout', lifetime >= timeout && lifetime <= timeout + margin.ms, margin.description)
 * ```
 */
export function timingMargin(baseMs: number): TimingMargin {
  const load = loadavg()[0] ?? 0
  const cores = availableParallelism()
  const factor = loadFactor(load)
  return {
    ms: Math.round(baseMs * factor),
    description:
      `${baseMs} ms × ${factor.toFixed(1)} ` +
      `(load average ${load.toFixed(1)} on ${cores} core${cores === 1 ? '' : 's'})`,
  }
}
