import type { Socket } from 'node:net'
import { Report, type ScenarioResult } from '../checks.ts'
import { Receiver, connectPeer, describeEcho, echoOn, echoOnce, randomChunks } from '../peer.ts'
import { pollStats } from '../process-stats.ts'
import { withServer, type Targets } from '../targets.ts'
import { HANDSHAKE_RETRY_MS, timingMargin } from '../timing-margin.ts'

/** Sizes of {@link runFlood}. */
export interface FloodParams {
  /** Connects made at once. */
  readonly connects: number
  /** The server's `--max-connections`. */
  readonly maxConnections?: number
  /** How long to wait for the excess to be closed. */
  readonly closeWaitMs?: number
}

interface Attempt {
  readonly socket: Socket
  readonly receiver: Receiver
  readonly connectedAt: number
}

/**
 * Scenario 9a: a flood of connects against `--max-connections`. The excess must be closed at once
 * (EOF or reset, no hang: within a margin that grows with the machine's load, and one retried TCP
 * handshake, since 500 connects at once can fill the accept queue), the server must hold at most
 * the limit, the connections it kept must be served, and a legitimate client's echo must work
 * afterwards.
 */
export async function runFlood(targets: Targets, params: FloodParams): Promise<ScenarioResult> {
  const limit = params.maxConnections ?? 100
  const report = new Report(
    '9a',
    'connection flood against --max-connections',
    `${params.connects} connects, limit ${limit}`,
  )
  try {
    await withServer(targets, { args: ['--max-connections', String(limit)] }, async (server) => {
      const baseline = (await server.stats()).fds
      const settled = await Promise.allSettled(
        Array.from({ length: params.connects }, async (): Promise<Attempt> => {
          const socket = await connectPeer(targets.host, server.port)
          return { socket, receiver: new Receiver(socket), connectedAt: performance.now() }
        }),
      )
      const attempts = settled.flatMap((outcome) =>
        outcome.status === 'fulfilled' ? [outcome.value] : [],
      )
      const failedConnects = settled.length - attempts.length
      const excess = params.connects - limit
      const margin = timingMargin(1000)
      const deadline = performance.now() + (params.closeWaitMs ?? Math.max(10_000, margin.ms))
      const closedCount = (): number =>
        attempts.filter(({ receiver }) => receiver.closedAt != null).length + failedConnects
      while (closedCount() < excess && performance.now() < deadline) {
        await Promise.race([
          ...attempts
            .filter(({ receiver }) => receiver.closedAt == null)
            .map(({ receiver }) => receiver.closed),
          new Promise((resolve) => setTimeout(resolve, 100)),
        ])
      }
      const closed = attempts.filter(({ receiver }) => receiver.closedAt != null)
      const slowest = Math.max(
        0,
        ...closed.map(({ receiver, connectedAt }) => (receiver.closedAt ?? 0) - connectedAt),
      )
      const ends = new Map<string, number>()
      for (const { receiver } of closed) {
        ends.set(receiver.end, (ends.get(receiver.end) ?? 0) + 1)
      }
      report.check(
        `the excess (${excess}) was closed at once`,
        closedCount() >= excess && slowest <= margin.ms + HANDSHAKE_RETRY_MS,
        `${closed.length} closed after connecting (${[...ends].map(([end, count]) => `${count} ${end}`).join(', ')}), ` +
          `${failedConnects} failed to connect; slowest close ${Math.round(slowest)} ms after connect ` +
          `(bound ${margin.description}, + ${HANDSHAKE_RETRY_MS} ms for a retried handshake)`,
      )
      report.figure('slowest excess close', `${Math.round(slowest)} ms`)
      const held = attempts.filter(({ receiver }) => receiver.closedAt == null)
      const stats = await server.stats()
      report.figure('connections held by the server', stats.fds - baseline)
      report.check(
        `the server holds at most ${limit}`,
        held.length <= limit && stats.fds - baseline <= limit,
        `${held.length} client sockets still open; server descriptors ${stats.fds} (baseline ${baseline})`,
      )
      const servedHeld = await Promise.all(
        held.map(({ socket }) => echoOn(socket, randomChunks(4096), 10_000)),
      )
      const heldBad = servedHeld.filter((outcome) => !outcome.exact)
      report.check(
        'the connections it kept are served byte-exact',
        heldBad.length === 0,
        `${servedHeld.length - heldBad.length} of ${servedHeld.length} exact` +
          (heldBad[0] == null ? '' : `; first failure: ${describeEcho(heldBad[0])}`),
      )
      await pollStats(server.pid, (now) => now.fds <= baseline, 5000)
      const legit = await echoOnce(targets.host, server.port, randomChunks(64 * 1024))
      report.check(
        "a legitimate client's echo works after the flood",
        legit.exact,
        describeEcho(legit),
      )
      for (const { socket } of attempts) {
        socket.destroy()
      }
    })
  } catch (error) {
    report.fail('scenario ran to the end', error)
  }
  return report.finish()
}
