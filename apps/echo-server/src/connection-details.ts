import type { Transport } from '@wirekit/protocol-core'
import type { TCPExtraInfo } from '@wirekit/transport-tcp'

/** An address as the logs write it: `127.0.0.1 port 40000`. */
function shown(address: TCPExtraInfo['proxyPeername'] | undefined): string {
  return address === undefined ? 'unknown' : `${address.address} port ${address.port}`
}

/**
 * `true` for a connection a load balancer opened itself (a PROXY v2 LOCAL header), such as a
 * health check. HAProxy ends its checks with a reset, which is no error of the client's.
 */
export function isProxyHealthCheck(transport: Transport): boolean {
  const tcp = transport as unknown as Transport<TCPExtraInfo>
  return tcp.getExtraInfo('proxyHeader')?.command === 'local'
}

/**
 * What the server logs about a connection besides the seed's lines, after `connection accepted`:
 * the load balancer it came through (with `--proxy-protocol`), and the client's certificate (with
 * `--tls-require-client-cert`). Nothing for a plain connection.
 */
export function connectionDetails(transport: Transport): string[] {
  const tcp = transport as unknown as Transport<TCPExtraInfo>
  const lines: string[] = []
  const header = tcp.getExtraInfo('proxyHeader')
  if (header !== undefined) {
    const proxy = shown(tcp.getExtraInfo('proxyPeername'))
    const version = `PROXY v${header.version}`
    if (header.command === 'local') {
      lines.push(`the proxy's own connection, such as a health check (${version} LOCAL)`)
    } else if (header.source === undefined) {
      lines.push(`through the proxy ${proxy}, which did not give the client (${version} UNKNOWN)`)
    } else {
      lines.push(`through the proxy ${proxy} (${version})`)
    }
  }
  const subject = tcp.getExtraInfo('peercert')?.subject
  if (subject !== undefined) {
    const names = Object.entries(subject).map(([key, value]) => `${key}=${String(value)}`)
    lines.push(`client certificate: ${names.join(', ')}`)
  }
  return lines
}
