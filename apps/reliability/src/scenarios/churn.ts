import { Report, type ScenarioResult } from '../checks.ts'
import { describeLiveMemory, liveBytes } from '../live-memory.ts'
import { describeEcho, echoOnce, randomChunks, type EchoOutcome } from '../peer.ts'
import { baselineAfter, mib, pollStats } from '../process-stats.ts'
import { withServer, type Targets } from '../targets.ts'

/** Sizes of {@link runChurn}. */
export interface ChurnParams {
  /** Connect/echo/close cycles in all. */
  readonly cycles: number
  /** Cycles run before the baseline is read (default 1,000). */
  readonly warmUpCycles?: number
  /** Cycles under way at once. */
  readonly parallel?: number
  /** Bytes each cycle echoes. */
  readonly bytesEach?: number
  /**
   * How much the server's live memory (V8 heap plus external memory, after a full garbage
   * collection) may grow over the second half of the cycles: a leak grows with the count.
   */
  readonly plateauBytes?: number
}

/**
 * Scenario 8: `cycles` connect/echo/close cycles. Afterwards the server's descriptors must be
 * back to their baseline and its live memory flat over the second half. Live memory is read
 * after a full garbage collection in the server. RSS is reported, not checked: it follows how
 * far V8 lets its heap grow, which differs between Node versions (after 100,000 cycles it stays
 * up to 95 MiB above the baseline on Node 24, 5 MiB on Node 20, with live memory flat on both)
 * and with the machine's load, and it misses small leaks.
 */
export async function runChurn(targets: Targets, params: ChurnParams): Promise<ScenarioResult> {
  const parallel = params.parallel ?? 8
  const bytesEach = params.bytesEach ?? 1024
  const plateau = params.plateauBytes ?? 1024 * 1024
  const report = new Report('8', 'connect/echo/close churn', `${params.cycles} cycles`)
  try {
    await withServer(targets, { collectableGarbage: true }, async (server) => {
      let next = 0
      let failures = 0
      let firstFailure: EchoOutcome | undefined
      const worker = async (limit: number): Promise<void> => {
        while (next < limit) {
          next += 1
          const outcome = await echoOnce(targets.host, server.port, randomChunks(bytesEach), 10_000)
          if (!outcome.exact) {
            failures += 1
            firstFailure ??= outcome
          }
        }
      }
      const run = async (limit: number): Promise<void> => {
        await Promise.all(Array.from({ length: parallel }, () => worker(limit)))
      }
      // Warm-up: the descriptor baseline is read once the server has served (it opens some
      // descriptors lazily). Live memory needs no warm-up of its own: it is compared between the
      // halfway mark and the end (measured here on Node 20 to 26: flat within 0.2 MiB after a
      // 1,000-cycle warm-up, as after a 10,000-cycle one).
      const warmUp = params.warmUpCycles ?? 1000
      const baseline = await baselineAfter(server.pid, () => run(warmUp))
      report.figure('baseline', `${baseline.fds} descriptors, RSS ${mib(baseline.rss)}`)
      const started = performance.now()
      next = 0
      const half = Math.floor(params.cycles / 2)
      await run(half)
      const middle = await server.collectGarbage()
      await run(params.cycles)
      const elapsed = performance.now() - started
      report.figure(
        'cycle time',
        `${(elapsed / 1000).toFixed(1)} s (${Math.round(params.cycles / (elapsed / 1000))} cycles/s)`,
      )
      report.check(
        `all ${params.cycles} cycles byte-exact`,
        failures === 0,
        firstFailure == null
          ? 'no failure'
          : `${failures} failed; first: ${describeEcho(firstFailure)}`,
      )
      const fds = await pollStats(server.pid, (stats) => stats.fds <= baseline.fds, 5000)
      report.check(
        'descriptors back to baseline',
        fds.held,
        `${fds.stats.fds} descriptors after the load, baseline ${baseline.fds}`,
      )
      const after = fds.stats
      const end = await server.collectGarbage()
      report.figure('live memory halfway', describeLiveMemory(middle))
      report.figure('live memory after', describeLiveMemory(end))
      report.figure(
        'after',
        `${after.fds} descriptors, RSS ${mib(after.rss)}, VmHWM ${mib(after.peakRss)}`,
      )
      report.check(
        `live memory flat over the second half (grew at most ${mib(plateau)})`,
        liveBytes(end) <= liveBytes(middle) + plateau,
        `${describeLiveMemory(middle)} after ${half} cycles, ${describeLiveMemory(end)} after ${params.cycles}`,
      )
    })
  } catch (error) {
    report.fail('scenario ran to the end', error)
  }
  return report.finish()
}
