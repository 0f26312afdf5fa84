import { Report, type ScenarioResult } from '../checks.ts'
import { CLIENT_HELLO_START } from '../failing-tls-clients.ts'
import { connectPeer } from '../peer.ts'
import { checkSetUpTimeout } from '../set-up-timeout.ts'
import type { Targets } from '../targets.ts'
import { connectTLSPeer } from '../tls-peer.ts'
import { writeTrickled } from '../trickle.ts'

/** Sizes of {@link runTLSSilentClients}. */
export interface TLSSilentClientsParams {
  /** Clients that connect and never start a handshake. */
  readonly clients: number
  /** Clients that trickle the start of a ClientHello, one byte every 250 ms. */
  readonly tricklers?: number
  /** The server's handshake timeout, in ms. */
  readonly handshakeTimeoutMs?: number
}

/**
 * Scenario 14b: clients that connect to a TLS server and never handshake, and a few that trickle
 * the start of a ClientHello. Every one must be closed at the handshake timeout (not before it,
 * and within a margin that grows with the machine's load), counted as a failed handshake, and no
 * protocol made for it; the server's live memory must stay bounded while they wait and return to
 * its baseline after; a legitimate TLS client keeps its echo all along (see
 * {@link checkSetUpTimeout}).
 */
export async function runTLSSilentClients(
  targets: Targets,
  params: TLSSilentClientsParams,
): Promise<ScenarioResult> {
  const timeoutMs = params.handshakeTimeoutMs ?? 2000
  const tricklers = params.tricklers ?? 5
  const report = new Report(
    '14b',
    'TLS: clients that never handshake',
    `${params.clients} silent + ${tricklers} trickling, handshake timeout ${timeoutMs / 1000} s`,
  )
  try {
    await checkSetUpTimeout(report, {
      stage: 'handshake',
      serverScript: targets.streamServerScript,
      serverArgs: ['--host', targets.host, '--tls', '--handshake-timeout', String(timeoutMs)],
      timeoutMs,
      silent: params.clients,
      tricklers,
      connectLegitimate: (port) => connectTLSPeer(targets.host, port),
      connectSilent: async (port, trickling) => {
        const socket = await connectPeer(targets.host, port)
        if (trickling) {
          void writeTrickled(socket, CLIENT_HELLO_START, 250)
        }
        return socket
      },
      failures: (stats) => stats.handshakeFailures,
      warning: /TLS handshake/,
    })
  } catch (error) {
    report.fail('scenario ran to the end', error)
  }
  return report.finish()
}
