import { randomBytes, randomInt } from 'node:crypto'
import type { Socket } from 'node:net'
import { Report, type ScenarioResult } from '../checks.ts'
import { liveBytes } from '../live-memory.ts'
import { connectPeer, echoOnce, pingPong, randomChunks } from '../peer.ts'
import { mib, type ProcessStats } from '../process-stats.ts'
import { withServer, type Targets } from '../targets.ts'

/** Sizes of {@link runSoak}. */
export interface SoakParams {
  readonly minutes: number
  /** Persistent ping-pong connections. */
  readonly connections?: number
  /** Milliseconds between two pings on one connection. */
  readonly pingIntervalMs?: number
  /**
   * How fast the server's live memory (V8 heap plus external memory, after a full garbage
   * collection) may grow after the warm-up, in MiB per minute (default 0.25).
   */
  readonly liveSlopeLimit?: number
}

/** The least-squares slope of `ys` over `xs`. */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length
  const meanX = xs.reduce((a, b) => a + b, 0) / n
  const meanY = ys.reduce((a, b) => a + b, 0) / n
  let num = 0
  let den = 0
  for (let index = 0; index < n; index += 1) {
    const dx = (xs[index] ?? 0) - meanX
    num += dx * ((ys[index] ?? 0) - meanY)
    den += dx * dx
  }
  return den === 0 ? 0 : num / den
}

/**
 * Scenario 10: a soak. Ping-pong connections plus a new connection every second for `minutes`:
 * no mismatch; after the warm-up (the first fifth), the server's live memory grows slower than
 * the limit and its descriptor count stays flat. Each sample runs a full garbage collection in
 * the server and reads the live memory it leaves; RSS is reported, not checked (it follows how
 * far V8 lets its heap grow, which differs between Node versions and with the machine's load).
 */
export async function runSoak(targets: Targets, params: SoakParams): Promise<ScenarioResult> {
  const count = params.connections ?? 200
  const interval = params.pingIntervalMs ?? 100
  const durationMs = params.minutes * 60_000
  const liveSlopeLimit = params.liveSlopeLimit ?? 0.25
  const report = new Report(
    '10',
    'soak',
    `${params.minutes} min, ${count} ping-pong connections + 1 new/s`,
  )
  try {
    await withServer(targets, { collectableGarbage: true }, async (server) => {
      const sockets = await Promise.all(
        Array.from({ length: count }, () => connectPeer(targets.host, server.port)),
      )
      const started = performance.now()
      const end = started + durationMs
      let pongs = 0
      let mismatches = 0
      const pinger = async (socket: Socket): Promise<void> => {
        await new Promise((resolve) => setTimeout(resolve, randomInt(0, interval)))
        while (performance.now() < end) {
          if (await pingPong(socket, randomBytes(randomInt(1, 4097)), 10_000)) {
            pongs += 1
          } else {
            mismatches += 1
            return
          }
          await new Promise((resolve) => setTimeout(resolve, interval))
        }
      }
      let fresh = 0
      let freshFailures = 0
      const newcomer = async (): Promise<void> => {
        while (performance.now() < end) {
          const outcome = await echoOnce(targets.host, server.port, randomChunks(16 * 1024), 10_000)
          fresh += 1
          freshFailures += outcome.exact ? 0 : 1
          await new Promise((resolve) => setTimeout(resolve, 1000))
        }
      }
      const samples: { minute: number; stats: ProcessStats; live: number }[] = []
      const sampleEvery = Math.max(1000, Math.min(10_000, durationMs / 30))
      const sampler = async (): Promise<void> => {
        while (performance.now() < end) {
          const minute = (performance.now() - started) / 60_000
          // RSS first: the collection that follows may give memory back.
          const stats = await server.stats()
          samples.push({ minute, stats, live: liveBytes(await server.collectGarbage()) })
          await new Promise((resolve) => setTimeout(resolve, sampleEvery))
        }
      }
      await Promise.all([...sockets.map(pinger), newcomer(), sampler()])
      for (const socket of sockets) {
        socket.destroy()
      }
      report.figure('ping-pongs', pongs)
      report.figure('new connections', fresh)
      report.check(
        'no mismatch',
        mismatches === 0 && freshFailures === 0,
        `${pongs} ping-pongs, ${mismatches} failed; ${fresh} new connections, ${freshFailures} failed`,
      )
      const steady = samples.filter(({ minute }) => minute >= params.minutes / 5)
      const minutes = steady.map(({ minute }) => minute)
      const live = steady.map((sample) => sample.live)
      const liveSlope = slope(
        minutes,
        live.map((bytes) => bytes / 2 ** 20),
      )
      const rss = steady.map(({ stats }) => stats.rss)
      const rssSlope = slope(
        minutes,
        rss.map((bytes) => bytes / 2 ** 20),
      )
      const fds = steady.map(({ stats }) => stats.fds)
      report.figure('samples after warm-up', steady.length)
      report.figure(
        'live memory after warm-up (min..max)',
        `${mib(Math.min(...live))}..${mib(Math.max(...live))}`,
      )
      report.figure('live memory slope', `${liveSlope.toFixed(3)} MiB/min`)
      report.figure(
        'RSS after warm-up (min..max)',
        `${mib(Math.min(...rss))}..${mib(Math.max(...rss))}`,
      )
      report.figure('RSS slope', `${rssSlope.toFixed(2)} MiB/min`)
      report.check(
        `live memory slope under ${liveSlopeLimit} MiB per minute after warm-up`,
        steady.length >= 3 && liveSlope < liveSlopeLimit,
        `${liveSlope.toFixed(3)} MiB/min over ${steady.length} samples`,
      )
      report.figure(
        'descriptors after warm-up (min..max)',
        `${Math.min(...fds)}..${Math.max(...fds)}`,
      )
      report.check(
        'descriptor count flat (spread at most 4)',
        steady.length >= 3 && Math.max(...fds) - Math.min(...fds) <= 4,
        `${Math.min(...fds)}..${Math.max(...fds)}`,
      )
    })
  } catch (error) {
    report.fail('scenario ran to the end', error)
  }
  return report.finish()
}
