import { Report, type ScenarioResult } from '../checks.ts'
import { failHandshake, type FailedClient, type HandshakeFailure } from '../failing-tls-clients.ts'
import { Pinger } from '../pinger.ts'
import type { StreamServerStats } from '../servers/replies.ts'
import { withDrivenServer, type Targets } from '../targets.ts'
import { timingMargin } from '../timing-margin.ts'
import { connectTLSPeer } from '../tls-peer.ts'
import { until } from '../until.ts'
import { judgeRateLimit, stampedWarnings } from '../warning-lines.ts'

/** Sizes of {@link runTLSHandshakeFlood}. */
export interface TLSHandshakeFloodParams {
  /** Failed handshakes in the flood. */
  readonly failures: number
  /** Spreads their starts evenly over this many ms; 0 runs them as fast as they go. */
  readonly durationMs: number
}

/**
 * The ways of failing the flood cycles through: the server's TLS engine refuses each at once. (A
 * peer that goes away mid-handshake is scenario 14e's.)
 */
const KINDS: readonly HandshakeFailure[] = [
  'old-protocol',
  'no-shared-cipher',
  'garbage',
  'plaintext-http',
]

/** How often, at most, the server may report failed handshakes. */
const REPORT_INTERVAL_MS = 10_000

/** Clients in flight at once. */
const CONCURRENCY = 50

/**
 * Runs the flood: `failures` clients cycling through {@link KINDS}, started evenly over
 * `durationMs` (or as fast as they go), at most {@link CONCURRENCY} at once.
 */
async function flood(
  host: string,
  port: number,
  params: TLSHandshakeFloodParams,
): Promise<{ clients: FailedClient[]; spanMs: number }> {
  const started = performance.now()
  const inFlight = new Set<Promise<FailedClient>>()
  const clients: FailedClient[] = []
  for (let index = 0; index < params.failures; index += 1) {
    const due = started + (params.durationMs * index) / params.failures
    const wait = due - performance.now()
    if (wait > 0) {
      await new Promise((resolve) => setTimeout(resolve, wait))
    }
    while (inFlight.size >= CONCURRENCY) {
      await Promise.race(inFlight)
    }
    const client = failHandshake(KINDS[index % KINDS.length] ?? 'garbage', host, port)
    inFlight.add(client)
    void client.then((done) => {
      clients.push(done)
      inFlight.delete(client)
    })
  }
  const spanMs = performance.now() - started
  await Promise.all(inFlight)
  return { clients, spanMs }
}

/**
 * Scenario 14c: a flood of failed TLS handshakes of several kinds (an old protocol version, no
 * shared cipher suite, a record that is not a handshake, an HTTP request). Every failure must be counted, no protocol
 * made for any, the lot reported by at most one warning line per 10 s on the server's clock (and
 * reported again while the flood lasts), and a legitimate TLS client kept served.
 */
export async function runTLSHandshakeFlood(
  targets: Targets,
  params: TLSHandshakeFloodParams,
): Promise<ScenarioResult> {
  const report = new Report(
    '14c',
    'TLS: a flood of failed handshakes',
    `${params.failures} failures` +
      (params.durationMs > 0 ? ` over ${params.durationMs / 1000} s` : ', at once'),
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
        const { clients, spanMs } = await flood(targets.host, server.port, params)
        report.figure('flood time', `${(spanMs / 1000).toFixed(1)} s`)
        const succeeded = clients.filter(({ end }) => end === 'handshake succeeded').length
        report.check(
          'no handshake of the flood succeeded',
          succeeded === 0,
          `${succeeded} of ${clients.length} succeeded`,
        )

        let stats = await server.command<StreamServerStats>('stats')
        await until(async () => {
          stats = await server.command<StreamServerStats>('stats')
          return stats.handshakeFailures >= params.failures && stats.settingUp === 0
        }, timingMargin(2000).ms)
        report.check(
          'every failure counted, no protocol made for any',
          stats.handshakeFailures === params.failures && stats.made === 1,
          `${stats.handshakeFailures} failed handshakes counted for ${params.failures} clients ` +
            `(${stats.settingUp} still in set-up); ${stats.made} protocol(s) made (1 is the legitimate client's)`,
        )

        const warnings = stampedWarnings(server.linesSince(from), /TLS handshake/)
        report.figure('warning lines', warnings.length)
        for (const [index, warning] of warnings.slice(0, 5).entries()) {
          report.figure(`warning ${index + 1}`, `at ${warning.at} ms: ${warning.message}`)
        }
        const rate = judgeRateLimit(warnings, stats.handshakeFailures, REPORT_INTERVAL_MS)
        report.check('at most one warning line per 10 s', rate.ok, rate.detail)
        // A flood that outlasts the interval must be reported again, not swallowed after one line.
        const expected =
          1 + Math.floor(Math.max(0, spanMs - timingMargin(1000).ms) / REPORT_INTERVAL_MS)
        report.check(
          'reported again each 10 s while it lasts',
          warnings.length >= expected,
          `${warnings.length} line(s) for a flood of ${(spanMs / 1000).toFixed(1)} s, at least ${expected} expected`,
        )

        const legitimate = await pinger.stop()
        report.check(
          "the legitimate TLS client's echo kept working",
          legitimate.ok,
          legitimate.description,
        )
        legit.destroy()
      },
    )
  } catch (error) {
    report.fail('scenario ran to the end', error)
  }
  return report.finish()
}
