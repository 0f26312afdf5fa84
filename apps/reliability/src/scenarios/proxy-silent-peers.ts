import { Report, type ScenarioResult } from '../checks.ts'
import { claimedClient, connectBalancer, proxyHeader, proxyServerArgs } from '../proxy-peers.ts'
import { checkSetUpTimeout } from '../set-up-timeout.ts'
import type { Targets } from '../targets.ts'
import { writeTrickled } from '../trickle.ts'

/** Sizes of {@link runProxySilentPeers}. */
export interface ProxySilentPeersParams {
  /** Peers from the trusted balancer's address that never send a header. */
  readonly peers: number
  /** Peers that trickle a version 1 header, one byte every 250 ms: too slowly to finish in time. */
  readonly tricklers?: number
  /** The server's PROXY header timeout, in ms. */
  readonly timeoutMs?: number
}

/**
 * Scenario 16b: peers that connect from the trusted balancer's address and never send their PROXY
 * header, and a few that trickle one too slowly. Every one must be closed at the header timeout
 * (not before it, and within a margin that grows with the machine's load), counted as a header
 * failure, no protocol made for it; the server's live memory bounded while they wait and back to
 * its baseline after; a legitimate balanced connection served all along (see
 * {@link checkSetUpTimeout}).
 */
export async function runProxySilentPeers(
  targets: Targets,
  params: ProxySilentPeersParams,
): Promise<ScenarioResult> {
  const timeoutMs = params.timeoutMs ?? 2000
  const tricklers = params.tricklers ?? 5
  const report = new Report(
    '16b',
    'PROXY: peers that never send a header',
    `${params.peers} silent + ${tricklers} trickling, header timeout ${timeoutMs / 1000} s`,
  )
  try {
    await checkSetUpTimeout(report, {
      stage: 'PROXY header',
      serverScript: targets.streamServerScript,
      serverArgs: proxyServerArgs(targets, timeoutMs),
      timeoutMs,
      silent: params.peers,
      tricklers,
      connectLegitimate: async (port) => {
        const socket = await connectBalancer(port)
        socket.write(proxyHeader(2, claimedClient(0)))
        return socket
      },
      connectSilent: async (port, trickling) => {
        const socket = await connectBalancer(port)
        if (trickling) {
          void writeTrickled(socket, proxyHeader(1, claimedClient(1)), 250)
        }
        return socket
      },
      failures: (stats) => stats.proxyHeaderFailures,
      warning: /PROXY header/,
    })
  } catch (error) {
    report.fail('scenario ran to the end', error)
  }
  return report.finish()
}
