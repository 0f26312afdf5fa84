import { createHash, randomBytes } from 'node:crypto'
import { Report, type ScenarioResult } from '../checks.ts'
import { Receiver } from '../peer.ts'
import {
  claimedClient,
  connectBalancer,
  describePeer,
  proxyHeader,
  proxyServerArgs,
} from '../proxy-peers.ts'
import type { ConnectionRecord, StreamServerStats } from '../servers/replies.ts'
import { withDrivenServer, type Targets } from '../targets.ts'
import { writeTrickled } from '../trickle.ts'

/** Sizes of {@link runProxyTrickledHeaders}. */
export interface ProxyTrickledHeadersParams {
  /** Balanced connections, half with a version 1 header, half with version 2. */
  readonly peers: number
  /** Milliseconds between two bytes of a header. */
  readonly byteIntervalMs?: number
}

/** The server's header timeout: well above the time a trickled header takes. */
const TIMEOUT_MS = 10_000

/** Bytes each connection echoes once its header is in. */
const PAYLOAD = 64 * 1024

interface Trickled {
  /** The balancer's port, by which the server's records name the connection. */
  readonly port: number
  readonly claimed: string
  readonly trickleMs: number
  readonly inTime: boolean
  readonly exact: boolean
  readonly echo: string
}

/**
 * Scenario 16a: PROXY headers (version 1 and 2) sent one byte per write, `byteIntervalMs` apart,
 * from the trusted balancer; half of them with the connection's first bytes in the same write as
 * the header's last byte. A header is bytes on a stream, however they are cut: each connection
 * must be accepted once its header is complete, within the timeout, with the header's client as
 * its peer, and its echo must be byte-exact (the first bytes included).
 */
export async function runProxyTrickledHeaders(
  targets: Targets,
  params: ProxyTrickledHeadersParams,
): Promise<ScenarioResult> {
  const everyMs = params.byteIntervalMs ?? 20
  const report = new Report(
    '16a',
    'PROXY: headers trickled one byte at a time',
    `${params.peers} connections, a byte every ${everyMs} ms, header timeout ${TIMEOUT_MS / 1000} s`,
  )
  try {
    await withDrivenServer(
      targets.streamServerScript,
      proxyServerArgs(targets, TIMEOUT_MS),
      {},
      async (server) => {
        const trickled = await Promise.all(
          Array.from({ length: params.peers }, async (_, index): Promise<Trickled> => {
            const socket = await connectBalancer(server.port)
            const port = socket.localPort ?? -1
            const version = index % 2 === 0 ? 1 : 2
            const client = claimedClient(index)
            const payload = randomBytes(PAYLOAD)
            const receiver = new Receiver(socket)
            const withFirstBytes = index % 4 < 2
            const started = performance.now()
            const sent = await writeTrickled(
              socket,
              proxyHeader(version, client),
              everyMs,
              withFirstBytes ? payload.subarray(0, 100) : undefined,
            )
            const trickleMs = performance.now() - started
            socket.end(withFirstBytes ? payload.subarray(100) : payload)
            await Promise.race([
              receiver.closed,
              new Promise((resolve) => setTimeout(resolve, 30_000)),
            ])
            socket.destroy()
            const exact =
              receiver.end === 'eof' &&
              receiver.bytes === PAYLOAD &&
              receiver.digest() === createHash('sha256').update(payload).digest('hex')
            return {
              port,
              claimed: describePeer(client),
              trickleMs,
              inTime: sent && trickleMs < TIMEOUT_MS,
              exact,
              echo: `${receiver.bytes} of ${PAYLOAD} B back, ended by ${receiver.end}`,
            }
          }),
        )
        // The header's length decides how long it took: about 50 bytes in version 1, 42 in 2.
        const slowest = Math.max(...trickled.map(({ trickleMs }) => trickleMs))
        report.figure('slowest trickle', `${(slowest / 1000).toFixed(2)} s`)
        report.check(
          'every header was trickled in full within the timeout',
          trickled.every(({ inTime }) => inTime),
          `the slowest took ${(slowest / 1000).toFixed(2)} s of ${TIMEOUT_MS / 1000} s; ` +
            `${trickled.filter(({ inTime }) => !inTime).length} closed or late`,
        )
        const records = await server.command<readonly ConnectionRecord[]>('connections')
        const byPort = new Map(records.map((record) => [record.socketPort, record]))
        const wrongPeer = trickled.filter(({ port, claimed }) => byPort.get(port)?.peer !== claimed)
        report.check(
          "every connection accepted, its peer the header's client",
          wrongPeer.length === 0,
          `${trickled.length - wrongPeer.length} of ${trickled.length}` +
            (wrongPeer[0] == null
              ? ''
              : `; first wrong: claimed ${wrongPeer[0].claimed}, server saw ${byPort.get(wrongPeer[0].port)?.peer ?? 'no connection'}`),
        )
        const inexact = trickled.filter(({ exact }) => !exact)
        report.check(
          'every echo byte-exact, the first bytes after the header included',
          inexact.length === 0,
          `${trickled.length - inexact.length} of ${trickled.length} exact` +
            (inexact[0] == null ? '' : `; first failure: ${inexact[0].echo}`),
        )
        const stats = await server.command<StreamServerStats>('stats')
        report.check(
          'no header failure counted',
          stats.proxyHeaderFailures === 0 && stats.made === params.peers,
          `${stats.proxyHeaderFailures} failures, ${stats.made} protocols made`,
        )
      },
    )
  } catch (error) {
    report.fail('scenario ran to the end', error)
  }
  return report.finish()
}
