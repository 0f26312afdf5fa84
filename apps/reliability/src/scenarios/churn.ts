import { Report, type ScenarioResult } from '../checks.ts'
import { describeEcho, echoOnce, randomChunks, type EchoOutcome } from '../peer.ts'
import { baselineAfter, mib, pollStats } from '../process-stats.ts'
import type { HeapAfterCollection } from '../server-process.ts'
import { withServer, type Targets } from '../targets.ts'

/** Sizes of {@link runChurn}. */
export interface ChurnParams {
  /** Connect/echo/close cycles in all. */
  readonly cycles: number
  /** Cycles run before the baseline is read. */
  readonly warmUpCycles?: number
  /** Cycles under way at once. */
  readonly parallel?: number
  /** Bytes each cycle echoes. */
  readonly bytesEach?: number
  /**
   * How far RSS may stay above the warmed-up baseline after the load: V8 grows its heap under
   * load and does not give it back while idle, so this bounds the heap, not a leak.
   */
  readonly rssToleranceBytes?: number
  /**
   * How much the server's live memory (V8 heap plus external memory, after a full garbage
   * collection) may grow over the second half of the cycles: a leak grows with the count.
   */
  readonly plateauBytes?: number
}

function liveBytes(heap: HeapAfterCollection): number {
  return heap.heapUsed + heap.external
}

function describeHeap(heap: HeapAfterCollection): string {
  return `heap ${mib(heap.heapUsed)} + external ${mib(heap.external)}`
}

/**
 * Scenario 8: `cycles` connect/echo/close cycles. Afterwards the server's descriptors must be
 * back to their baseline, its RSS within a tolerance of it, and its live memory flat over the
 * second half. Live memory is read after a full garbage collection in the server: RSS follows
 * V8's heap sizing, which differs from run to run with the machine's load, so a flat-RSS check
 * fails at random and misses small leaks.
 */
export async function runChurn(targets: Targets, params: ChurnParams): Promise<ScenarioResult> {
  const parallel = params.parallel ?? 8
  const bytesEach = params.bytesEach ?? 1024
  const tolerance = params.rssToleranceBytes ?? 16 * 1024 * 1024
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
      // Warm-up: V8 sizes its heap over the first several thousand cycles; the baseline is read
      // once it has (measured here: RSS still grows from 5,000 to 10,000 cycles, not after).
      const warmUp = params.warmUpCycles ?? 10_000
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
      report.figure('live memory halfway', describeHeap(middle))
      report.figure('live memory after', describeHeap(end))
      report.figure(
        'after',
        `${after.fds} descriptors, RSS ${mib(after.rss)}, VmHWM ${mib(after.peakRss)}`,
      )
      report.check(
        `RSS back within baseline + ${mib(tolerance)}`,
        after.rss <= baseline.rss + tolerance,
        `RSS ${mib(after.rss)} after the load, baseline ${mib(baseline.rss)}`,
      )
      report.check(
        `live memory flat over the second half (grew at most ${mib(plateau)})`,
        liveBytes(end) <= liveBytes(middle) + plateau,
        `${describeHeap(middle)} after ${half} cycles, ${describeHeap(end)} after ${params.cycles}`,
      )
    })
  } catch (error) {
    report.fail('scenario ran to the end', error)
  }
  return report.finish()
}
