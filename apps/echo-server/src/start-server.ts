import { escapeText, type Logger, type LogSink } from '@wirekit/app-support'
import { createServer, createUnixServer } from '@wirekit/transport-tcp'
import type { ServerConfig } from './cli.ts'
import { openDatagramServer } from './datagram-server.ts'
import { EchoServer } from './echo-protocol.ts'
import { serverTLS } from './server-tls.ts'
import type { ShutdownTarget } from './shutdown.ts'
import { describeTrustedProxies, trustedProxyList } from './trusted-proxies.ts'

/** A server that listens, and what the startup log says about it. */
export interface StartedServer {
  readonly server: ShutdownTarget
  /** The seed's `starting up on HOST port PORT` (the real port), or the Unix socket path. */
  readonly where: string
  /** The port it listens on (0 for a Unix socket). */
  readonly port: number
  /** Info lines after it: TLS, PROXY protocol or UDP on. */
  readonly notes: readonly string[]
  /** Warning lines after it (a certificate clients will refuse). */
  readonly warnings: readonly string[]
}

/** A Unix socket path as the command line takes it: an abstract name as `@NAME`. */
function showUnixPath(path: string): string {
  return path.startsWith('\0') ? `@${path.slice(1)}` : path
}

/**
 * Listens as the command line says: TCP (with TLS and the PROXY protocol if asked), a Unix
 * socket, or UDP. The TLS files are read and checked first: nothing listens when one cannot be
 * used.
 * @throws ConfigError for a TLS file that cannot be used; NetworkError when listening fails.
 */
export async function startServer(
  config: ServerConfig,
  sink: LogSink,
  log: Logger,
  reusePort = false,
): Promise<StartedServer> {
  if (config.udp) {
    const server = await openDatagramServer(config.host, config.port, sink, log)
    return {
      server,
      where: `${config.host} port ${server.port}`,
      port: server.port,
      notes: ['UDP: each datagram is echoed to its sender'],
      warnings: [],
    }
  }
  const tls = config.tls === undefined ? undefined : serverTLS(config.tls)
  const options = {
    ...(config.maxConnections === undefined ? {} : { maxConnections: config.maxConnections }),
    ...(config.idleTimeoutSeconds === undefined
      ? {}
      : { idleTimeout: config.idleTimeoutSeconds * 1000 }),
    onError: (error: Error) => log.error(`ERROR: ${error.message}`),
    onWarning: (message: string) => log.warn(message),
  }
  const { unixPath, trustedProxies } = config
  if (unixPath !== undefined) {
    const server = await createUnixServer(() => new EchoServer(sink), {
      path: unixPath,
      ...options,
    })
    return { server, where: escapeText(showUnixPath(unixPath)), port: 0, notes: [], warnings: [] }
  }
  const server = await createServer(() => new EchoServer(sink), {
    host: config.host,
    port: config.port,
    ...options,
    ...(tls === undefined ? {} : { tls: tls.options }),
    ...(trustedProxies === undefined
      ? {}
      : { proxyProtocol: { trusted: trustedProxyList(trustedProxies) } }),
    ...(reusePort ? { reusePort: true } : {}),
  })
  const port = server.addresses()[0]?.port ?? config.port
  const notes: string[] = []
  if (trustedProxies !== undefined) {
    notes.push(
      `PROXY protocol on: headers taken from ${describeTrustedProxies(trustedProxies)} only`,
    )
  }
  if (tls !== undefined) {
    notes.push(tls.note)
  }
  return {
    server,
    where: `${config.host} port ${port}`,
    port,
    notes,
    warnings: tls?.warning === undefined ? [] : [tls.warning],
  }
}
