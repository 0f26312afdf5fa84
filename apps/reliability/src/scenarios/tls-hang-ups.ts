import { Report, type ScenarioResult } from '../checks.ts'
import { failHandshake, type HandshakeFailure } from '../failing-tls-clients.ts'
import type { StreamServerStats } from '../servers/replies.ts'
import { withDrivenServer, type Targets } from '../targets.ts'
import { timingMargin } from '../timing-margin.ts'
import { until } from '../until.ts'

/** Sizes of {@link runTLSHangUps}. */
export interface TLSHangUpsParams {
  /** Peers of each kind. */
  readonly peersPerKind: number
  /**
   * The server's handshake timeout, in ms: the release must come long before it, so it is raised
   * to 3 times the load-scaled margin when the machine is that loaded.
   */
  readonly handshakeTimeoutMs?: number
}

/** Peers that go away before their handshake is done. */
const KINDS: readonly HandshakeFailure[] = ['health-check', 'hang-up', 'untrusting', 'reset']

/**
 * Scenario 14e: peers that go away in the middle of a TLS handshake: a TCP health check (connect,
 * FIN), a client that sends the start of a ClientHello then FIN, a real client that does not trust
 * the server's certificate and closes, and one that resets after the start of a ClientHello.
 * Nothing can come of such a handshake, so the server must release each at once (counted as a
 * failed handshake), not hold its descriptor and memory until the handshake timeout: a load
 * balancer's TCP health check every 2 s would otherwise keep 30 connections open against a
 * 60-second timeout.
 */
export async function runTLSHangUps(
  targets: Targets,
  params: TLSHangUpsParams,
): Promise<ScenarioResult> {
  const margin = timingMargin(250)
  const timeoutMs = Math.max(
    params.handshakeTimeoutMs ?? 10_000,
    Math.ceil((3 * margin.ms) / 1000) * 1000,
  )
  const total = params.peersPerKind * KINDS.length
  const report = new Report(
    '14e',
    'TLS: peers that go away mid-handshake',
    `${total} peers (health check, FIN, untrusting client, reset), handshake timeout ${timeoutMs / 1000} s`,
  )
  try {
    await withDrivenServer(
      targets.streamServerScript,
      ['--host', targets.host, '--tls', '--handshake-timeout', String(timeoutMs)],
      {},
      async (server) => {
        const started = performance.now()
        // Each resolves once its socket is closed: at once for the untrusting client and the
        // reset, at the server's close for the two that sent FIN.
        const peers = KINDS.flatMap((kind) =>
          Array.from({ length: params.peersPerKind }, () =>
            failHandshake(kind, targets.host, server.port),
          ),
        )
        let stats = await server.command<StreamServerStats>('stats')
        let releasedAfter = Infinity
        await until(async () => {
          stats = await server.command<StreamServerStats>('stats')
          if (stats.handshakeFailures >= total && stats.settingUp === 0) {
            releasedAfter = performance.now() - started
            return true
          }
          return false
        }, timeoutMs + margin.ms)
        report.figure(
          'all released after',
          releasedAfter === Infinity ? 'never' : `${(releasedAfter / 1000).toFixed(2)} s`,
        )
        report.check(
          'every one released at once, counted as a failed handshake',
          releasedAfter <= margin.ms,
          `${stats.handshakeFailures} of ${total} counted, ${stats.settingUp} still in set-up; ` +
            `all released after ${(releasedAfter / 1000).toFixed(2)} s (bound ${margin.ms} ms: ` +
            `${margin.description}; the handshake timeout is ${timeoutMs / 1000} s)`,
        )
        await Promise.race([
          Promise.all(peers),
          new Promise((resolve) => setTimeout(resolve, margin.ms)),
        ])
        report.check('no protocol made for any', stats.made === 0, `${stats.made} protocol(s) made`)
      },
    )
  } catch (error) {
    report.fail('scenario ran to the end', error)
  }
  return report.finish()
}
