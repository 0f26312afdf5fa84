import type { Socket } from 'node:net'
import { Report, type ScenarioResult } from '../checks.ts'
import { connectPeer, describeEcho, echoOn, randomChunks, type EchoOutcome } from '../peer.ts'
import { mib, ownDescriptorLimit, pollStats } from '../process-stats.ts'
import { withServer, type Targets } from '../targets.ts'

/** Sizes of {@link runConcurrency}. */
export interface ConcurrencyParams {
  /** Connections open at once. */
  readonly connections: number
  /** Random bytes each one echoes. */
  readonly bytesEach?: number
  /** Connects under way at once while opening them. */
  readonly connectBatch?: number
}

/** Descriptors the suite's own process and the server need besides the connections. */
const FD_SPARE = 256

/**
 * Scenario 7: `connections` clients connect and stay connected, then each echoes `bytesEach`
 * random bytes at the same time; every echo must be byte-exact, with no error.
 */
export async function runConcurrency(
  targets: Targets,
  params: ConcurrencyParams,
): Promise<ScenarioResult> {
  const bytesEach = params.bytesEach ?? 64 * 1024
  const batch = params.connectBatch ?? 200
  const report = new Report(
    '7',
    'many concurrent connections',
    `${params.connections} x ${bytesEach / 1024} KiB`,
  )
  const fdLimit = params.connections + FD_SPARE
  try {
    // The child's limit is raised below; this process's own cannot be raised from inside Node.
    const own = await ownDescriptorLimit()
    if (own < fdLimit) {
      throw new Error(
        `this process may open ${own} descriptors (ulimit -n) and needs ${fdLimit}: ` +
          `run it under 'ulimit -n ${fdLimit}'`,
      )
    }
    await withServer(targets, { fdLimit: Math.max(fdLimit, 1024) }, async (server) => {
      const baseline = await server.stats()
      const started = performance.now()
      const sockets: Socket[] = []
      const connectErrors: string[] = []
      for (let first = 0; first < params.connections; first += batch) {
        const count = Math.min(batch, params.connections - first)
        const settled = await Promise.allSettled(
          Array.from({ length: count }, () => connectPeer(targets.host, server.port, 30_000)),
        )
        for (const outcome of settled) {
          if (outcome.status === 'fulfilled') {
            sockets.push(outcome.value)
          } else {
            connectErrors.push(String(outcome.reason))
          }
        }
      }
      report.figure('connect time', `${Math.round(performance.now() - started)} ms`)
      report.check(
        `all ${params.connections} connected`,
        connectErrors.length === 0,
        `${sockets.length} connected; errors: ${connectErrors.slice(0, 3).join(' | ') || 'none'}`,
      )
      // A completed handshake is not yet an accepted connection: wait for the server to take all.
      const open = await pollStats(
        server.pid,
        (stats) => stats.fds - baseline.fds >= sockets.length,
        10_000,
      )
      report.figure('server descriptors with all open', open.stats.fds - baseline.fds)
      report.check(
        'the server accepted them all',
        open.held,
        `${open.stats.fds - baseline.fds} descriptors above the baseline for ${sockets.length} connections`,
      )
      const echoStarted = performance.now()
      const outcomes: EchoOutcome[] = await Promise.all(
        sockets.map((socket) => echoOn(socket, randomChunks(bytesEach), 120_000)),
      )
      report.figure('echo time', `${Math.round(performance.now() - echoStarted)} ms`)
      const bad = outcomes.filter((outcome) => !outcome.exact)
      report.check(
        'every echo byte-exact, no error',
        bad.length === 0 && outcomes.length === params.connections,
        `${outcomes.length - bad.length} of ${params.connections} exact` +
          (bad.length === 0
            ? ''
            : `; first failures: ${bad.slice(0, 3).map(describeEcho).join(' | ')}`),
      )
      const after = await server.stats()
      report.figure('server VmHWM', `${mib(after.peakRss)} (baseline ${mib(baseline.peakRss)})`)
    })
  } catch (error) {
    report.fail('scenario ran to the end', error)
  }
  return report.finish()
}
