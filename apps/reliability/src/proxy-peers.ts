import type { Socket } from 'node:net'
import { encodeProxyHeaderV1, encodeProxyHeaderV2 } from '@wirekit/proxy-protocol'
import { connectPeer } from './peer.ts'
import type { Targets } from './targets.ts'

/**
 * The trusted balancer's address. Linux routes all of 127.0.0.0/8 to the loopback interface, so
 * a client bound to 127.0.0.2 reaches a server on 127.0.0.1 and is seen coming from 127.0.0.2:
 * one machine gives a trusted balancer and an untrusted peer (127.0.0.1, or ::1) apart
 * deterministically, by their source address, which is what a server's trust looks at.
 */
export const BALANCER_ADDRESS = '127.0.0.2'

/** The IPv4 loopback address the balancer connects to. */
const SERVER_IPV4 = '127.0.0.1'

/**
 * The stream echo server's arguments for a PROXY scenario: it listens on the target host (and on
 * 127.0.0.1 for the balancer, when the target host is ::1) and trusts only the balancer.
 */
export function proxyServerArgs(targets: Targets, timeoutMs: number): string[] {
  return [
    '--host',
    targets.host,
    ...(targets.host === SERVER_IPV4 ? [] : ['--host', SERVER_IPV4]),
    '--trusted-proxy',
    BALANCER_ADDRESS,
    '--proxy-timeout',
    String(timeoutMs),
  ]
}

/** A connection from the trusted balancer's address. */
export function connectBalancer(port: number): Promise<Socket> {
  return connectPeer(SERVER_IPV4, port, 10_000, BALANCER_ADDRESS)
}

/** The client address a header claims, for peer `index` of a scenario: 203.0.113.0/24 (TEST-NET-3). */
export function claimedClient(index: number): { address: string; port: number } {
  return { address: `203.0.113.${(index % 250) + 1}`, port: 40_000 + (index % 20_000) }
}

/**
 * A PROXY header claiming `client` connected to the server's port 443: version 1 (text), or
 * version 2 (binary) with an AUTHORITY TLV, as HAProxy sends them.
 */
export function proxyHeader(version: 1 | 2, client: { address: string; port: number }): Uint8Array {
  const header = {
    source: { family: 'IPv4' as const, ...client },
    destination: { family: 'IPv4' as const, address: '192.0.2.10', port: 443 },
  }
  return version === 1
    ? encodeProxyHeaderV1(header)
    : encodeProxyHeaderV2({ ...header, tlvs: [{ type: 'authority', value: 'example.com' }] })
}

/** `address port`, as the driven server's records name a peer. */
export function describePeer(client: { address: string; port: number }): string {
  return `${client.address} ${client.port}`
}
