import { randomBytes } from 'node:crypto'
import { connect as netConnect, type Socket } from 'node:net'
import type { TLSSocket } from 'node:tls'
import { Report, type ScenarioResult } from '../checks.ts'
import { Receiver, pingPong, writeUntilBlocked } from '../peer.ts'
import type { ShutdownFinished, StreamServerStats } from '../servers/replies.ts'
import { describeExit } from '../server-process.ts'
import { withDrivenServer, type Targets } from '../targets.ts'
import { timingMargin } from '../timing-margin.ts'
import { connectTLSPeer } from '../tls-peer.ts'
import { until } from '../until.ts'

/** Sizes of {@link runTLSNoCloseNotify}. */
export interface TLSNoCloseNotifyParams {
  /** Peers of each kind. */
  readonly peersPerKind: number
  /**
   * The server's TLS shutdown timeout, in ms; raised to 3 times the load-scaled margin of "at
   * once" when the machine is that loaded, so that the two stay apart.
   */
  readonly shutdownTimeoutMs?: number
}

/** The server's lingering close: how long a closed socket waits for the peer's end (its default). */
const LINGER_MS = 5000

/** Node's timers may fire up to a millisecond early against `performance.now()`. */
const TIMER_GRANULARITY_MS = 5

interface Peer {
  readonly kind: 'silent' | 'non-reading' | 'truncating'
  readonly tls: TLSSocket
  /** The TCP socket under it, which the truncating peer ends by itself. */
  readonly raw: Socket
  /** Its local port, which the server's records name. */
  readonly port: number
  readonly receiver: Receiver
}

/**
 * A TLS peer over a TCP socket of its own, half-open allowed (the TLS socket takes it from the
 * TCP one): the end of the server's side makes it send neither close_notify nor FIN.
 */
async function openPeer(host: string, port: number, kind: Peer['kind']): Promise<Peer> {
  const raw = netConnect({ host, port, allowHalfOpen: true })
  const tls = await connectTLSPeer(host, port, { socket: raw })
  if (!(await pingPong(tls, randomBytes(1024), 10_000))) {
    throw new Error(`a ${kind} peer got no echo of its first ping`)
  }
  return { kind, tls, raw, port: raw.localPort ?? -1, receiver: new Receiver(tls) }
}

/**
 * Scenario 14d: TLS peers that never send close_notify: silent ones that never answer the server's
 * (they keep the TCP connection open and read), non-reading ones the server still owes an echo to,
 * and truncating ones that end the TCP connection under TLS without close_notify. The truncated
 * connections must be lost (`connectionLost`) as soon as they end; then the server's close
 * (`close()`, `closeClients()`) must end: the silent connections at once, the non-reading ones at
 * the shutdown timeout (not before), every connection's `connectionLost` called, every peer's TCP
 * connection ended by the server, and the process free to exit by itself.
 */
export async function runTLSNoCloseNotify(
  targets: Targets,
  params: TLSNoCloseNotifyParams,
): Promise<ScenarioResult> {
  const atOnce = timingMargin(250)
  const shutdownMs = Math.max(
    params.shutdownTimeoutMs ?? 2000,
    Math.ceil((3 * atOnce.ms) / 1000) * 1000,
  )
  const report = new Report(
    '14d',
    'TLS: peers that never send close_notify',
    `${params.peersPerKind} silent, ${params.peersPerKind} non-reading, ${params.peersPerKind} truncating; shutdown timeout ${shutdownMs / 1000} s`,
  )
  try {
    await withDrivenServer(
      targets.streamServerScript,
      ['--host', targets.host, '--tls', '--shutdown-timeout', String(shutdownMs)],
      {},
      async (server) => {
        const kinds: Peer['kind'][] = ['silent', 'non-reading', 'truncating']
        const peers = await Promise.all(
          kinds.flatMap((kind) =>
            Array.from({ length: params.peersPerKind }, () =>
              openPeer(targets.host, server.port, kind),
            ),
          ),
        )
        const ofKind = (kind: Peer['kind']): Peer[] => peers.filter((peer) => peer.kind === kind)
        const nonReaders = ofKind('non-reading')
        for (const { tls } of nonReaders) {
          tls.pause()
        }
        const block = randomBytes(256 * 1024)
        await Promise.all(nonReaders.map(({ tls }) => writeUntilBlocked(tls, block)))

        // Truncation: FIN on the TCP socket, no close_notify first.
        const truncating = ofKind('truncating')
        const truncatedAt = performance.now()
        for (const { raw } of truncating) {
          raw.end()
        }
        const margin = timingMargin(1000)
        let stats = await server.command<StreamServerStats>('stats')
        await until(async () => {
          stats = await server.command<StreamServerStats>('stats')
          return stats.lost >= truncating.length
        }, margin.ms)
        const truncationSeen = performance.now() - truncatedAt
        report.check(
          'truncated connections lost at once (connectionLost)',
          stats.lost === truncating.length,
          `${stats.lost} of ${truncating.length} lost ${Math.round(truncationSeen)} ms after their FIN ` +
            `(bound ${margin.ms} ms: ${margin.description})`,
        )

        let closed: ShutdownFinished
        try {
          closed = await server.command<ShutdownFinished>(
            'shutdown',
            'closed',
            shutdownMs + margin.ms + 5000,
          )
        } catch (error) {
          report.fail("the server's close ended by the shutdown timeout", error)
          return
        }
        const closeMs = closed.at - closed.startedAt
        report.figure('server close ended after', `${Math.round(closeMs)} ms`)
        report.check(
          "the server's close ended by the shutdown timeout",
          closeMs >= shutdownMs - TIMER_GRANULARITY_MS && closeMs <= shutdownMs + margin.ms,
          `${Math.round(closeMs)} ms after close(), for a ${shutdownMs} ms shutdown timeout ` +
            `(bound + ${margin.ms} ms: ${margin.description})`,
        )
        const records = closed.connections
        const lostAfter = (kind: Peer['kind']): number[] => {
          const ports = new Set(ofKind(kind).map(({ port }) => port))
          return records
            .filter((record) => ports.has(record.socketPort))
            .map((record) => (record.lostAt ?? Infinity) - closed.startedAt)
        }
        const silentLost = lostAfter('silent')
        const nonReadersLost = lostAfter('non-reading')
        report.figure(
          'connectionLost after close(): silent / non-reading',
          `${Math.round(Math.max(...silentLost))} ms / ${Math.round(Math.min(...nonReadersLost))}..${Math.round(Math.max(...nonReadersLost))} ms`,
        )
        report.check(
          'silent peers: connectionLost at once, without their close_notify',
          silentLost.length === params.peersPerKind && silentLost.every((ms) => ms <= atOnce.ms),
          `${silentLost.length} records, the last ${Math.round(Math.max(...silentLost))} ms after close() ` +
            `(bound ${atOnce.ms} ms: ${atOnce.description})`,
        )
        report.check(
          'non-reading peers: connectionLost at the shutdown timeout, not before',
          nonReadersLost.length === params.peersPerKind &&
            nonReadersLost.every(
              (ms) => ms >= shutdownMs - TIMER_GRANULARITY_MS && ms <= shutdownMs + margin.ms,
            ),
          `${nonReadersLost.length} records, ${nonReadersLost.map((ms) => Math.round(ms)).join(', ')} ms after close()`,
        )
        const final = closed.stats
        report.check(
          'connectionLost called for every connection',
          final.made === peers.length && final.lost === final.made,
          `${final.made} made, ${final.lost} lost, for ${peers.length} peers`,
        )

        // Nothing hangs: every peer sees the server's side end (its close_notify and FIN, or a
        // reset), though none of them ends its own, and the process, its listener and clients
        // gone, exits by itself.
        for (const { tls } of nonReaders) {
          tls.resume()
        }
        const ended = await until(
          () => peers.every(({ receiver }) => receiver.end !== 'open'),
          LINGER_MS + margin.ms,
        )
        const ends = new Map<string, number>()
        for (const { kind, receiver } of peers) {
          const key = `${kind} ${receiver.end}`
          ends.set(key, (ends.get(key) ?? 0) + 1)
        }
        report.check(
          "every peer saw the server's side of its connection end",
          ended,
          [...ends].map(([key, count]) => `${count} ${key}`).join(', '),
        )
        const exit = await server.waitExit(margin.ms)
        report.check(
          'the server process exited by itself, code 0',
          exit?.code === 0,
          exit == null ? `still running ${margin.ms} ms after its close` : describeExit(exit),
        )
        for (const { raw } of peers) {
          raw.destroy()
        }
      },
    )
  } catch (error) {
    report.fail('scenario ran to the end', error)
  }
  return report.finish()
}
