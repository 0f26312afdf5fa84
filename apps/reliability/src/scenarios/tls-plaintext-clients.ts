import { Report, type ScenarioResult } from '../checks.ts'
import {
  PLAINTEXT,
  failHandshake,
  type FailedClient,
  type HandshakeFailure,
} from '../failing-tls-clients.ts'
import { Pinger } from '../pinger.ts'
import type { StreamServerStats } from '../servers/replies.ts'
import { withDrivenServer, type Targets } from '../targets.ts'
import { timingMargin } from '../timing-margin.ts'
import { connectTLSPeer } from '../tls-peer.ts'
import { judgeRateLimit, stampedWarnings } from '../warning-lines.ts'

/** Sizes of {@link runTLSPlaintextClients}. */
export interface TLSPlaintextClientsParams {
  /** Clients of each kind (an HTTP request, an SMTP greeting, a line of text). */
  readonly clientsPerKind: number
}

const KINDS: readonly HandshakeFailure[] = ['plaintext-http', 'plaintext-smtp', 'plaintext-line']

/** Runs `count` clients of each kind, `concurrency` at a time. */
async function runClients(
  host: string,
  port: number,
  count: number,
  concurrency = 50,
): Promise<FailedClient[]> {
  const jobs = KINDS.flatMap((kind) => Array.from({ length: count }, () => kind))
  const done: FailedClient[] = []
  for (let first = 0; first < jobs.length; first += concurrency) {
    done.push(
      ...(await Promise.all(
        jobs.slice(first, first + concurrency).map((kind) => failHandshake(kind, host, port)),
      )),
    )
  }
  return done
}

/**
 * Scenario 14a: clients that speak plaintext to a TLS port. Each must be closed by the server at
 * once (no waiting for the handshake timeout), never get its bytes echoed (no protocol is made for
 * it), and be counted as a failed handshake; the lot must be reported by one rate-limited line;
 * a legitimate TLS client keeps its echo all along.
 */
export async function runTLSPlaintextClients(
  targets: Targets,
  params: TLSPlaintextClientsParams,
): Promise<ScenarioResult> {
  const total = params.clientsPerKind * KINDS.length
  const report = new Report(
    '14a',
    'TLS: plaintext clients on the TLS port',
    `${total} clients (HTTP, SMTP, a line)`,
  )
  try {
    await withDrivenServer(
      targets.streamServerScript,
      ['--host', targets.host, '--tls'],
      {},
      async (server) => {
        const legit = await connectTLSPeer(targets.host, server.port)
        const pinger = new Pinger(legit)
        const from = server.lineCount
        const clients = await runClients(targets.host, server.port, params.clientsPerKind)

        const margin = timingMargin(1000)
        const slowest = Math.max(...clients.map((client) => client.closedAt - client.startedAt))
        const ends = new Map<string, number>()
        for (const { end } of clients) {
          ends.set(end, (ends.get(end) ?? 0) + 1)
        }
        report.figure('slowest close', `${Math.round(slowest)} ms after the connect began`)
        report.check(
          'every plaintext client closed by the server at once',
          slowest <= margin.ms && clients.every(({ end }) => end === 'eof' || end === 'reset'),
          `slowest ${Math.round(slowest)} ms after its connect began (bound ${margin.ms} ms: ` +
            `${margin.description}; the handshake timeout is 60 s); ends: ` +
            [...ends].map(([end, count]) => `${count} ${end}`).join(', '),
        )
        const echoed = clients.filter(({ kind, received }) =>
          received.includes(Buffer.from(PLAINTEXT[kind] ?? '')),
        )
        const alerts = clients.filter(({ received }) => received[0] === 0x15).length
        const silent = clients.filter(({ received }) => received.length === 0).length
        report.figure(
          'what the plaintext clients received',
          `${silent} nothing, ${alerts} a TLS alert, ${total - silent - alerts} other bytes`,
        )
        report.check(
          'no plaintext client got its bytes echoed',
          echoed.length === 0 && silent + alerts === total,
          `${echoed.length} echoed; ${silent} got nothing, ${alerts} a TLS alert record`,
        )

        const legitimate = await pinger.stop()
        report.check(
          "the legitimate TLS client's echo kept working",
          legitimate.ok,
          legitimate.description,
        )
        const stats = await server.command<StreamServerStats>('stats')
        report.check(
          'each one counted as a failed handshake, no protocol made for any',
          stats.handshakeFailures === total && stats.made === 1,
          `${stats.handshakeFailures} failed handshakes counted for ${total} clients; ` +
            `${stats.made} protocol(s) made (1 is the legitimate client's)`,
        )
        const warnings = stampedWarnings(server.linesSince(from), /TLS handshake/)
        report.figure('warning lines', warnings.map(({ message }) => message).join(' | '))
        const rate = judgeRateLimit(warnings, stats.handshakeFailures, 10_000)
        report.check('one rate-limited warning line (at most one per 10 s)', rate.ok, rate.detail)
        legit.destroy()
      },
    )
  } catch (error) {
    report.fail('scenario ran to the end', error)
  }
  return report.finish()
}
