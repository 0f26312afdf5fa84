/**
 * Loopback ports for the real peers the interop tests start (HAProxy, nginx), which cannot bind
 * port 0 and tell us the port: a port is found free, then handed to them.
 */
import { once } from 'node:events'
import { createServer, type AddressInfo } from 'node:net'

/**
 * Ports free right now, one per host and all different: each bound with port 0 by Node, then all
 * closed together (closing each at once could hand the same port out twice).
 */
export async function freePorts(hosts: readonly string[]): Promise<number[]> {
  const servers = hosts.map((host) => createServer().listen(0, host))
  try {
    await Promise.all(servers.map((server) => once(server, 'listening')))
    return servers.map((server) => (server.address() as AddressInfo).port)
  } finally {
    await Promise.all(
      servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
    )
  }
}

/** `host:port` as HAProxy and nginx write it (IPv6 in brackets). */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}
