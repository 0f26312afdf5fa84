import {
  reusePortSupported,
  UnsupportedOptionError,
  type AnyProtocol,
  type ProtocolFactory,
} from '@wirekit/protocol-core'
import { listenOnAll, resolveListenAddresses } from './listen.ts'
import { toNetworkError } from './network-errors.ts'
import type { TCPServerOptions } from './options.ts'
import { resolveProxyOptions } from './proxy-options.ts'
import { resolveSocketOptions } from './socket-options.ts'
import { DEFAULT_BACKLOG, startServer } from './start-server.ts'
import { resolveTLSServerOptions } from './tls-options.ts'
import type { TCPServer } from './tcp-server.ts'
import { checkCount, checkDuration, checkHost, checkPort, checkSignal } from './validate-options.ts'

export type { TCPServer } from './tcp-server.ts'

/** Checks the `reusePort` option against what this Node can do. */
function resolveReusePort(value: unknown): boolean {
  if (value === undefined || value === false) {
    return false
  }
  if (value !== true && value !== 'if-supported') {
    throw new TypeError(`option reusePort must be a boolean or 'if-supported', got ${typeof value}`)
  }
  if (reusePortSupported()) {
    return true
  }
  if (value === 'if-supported') {
    return false
  }
  throw new UnsupportedOptionError(
    'reusePort',
    `node:net has it from Node.js 22.12 (and 23.1) on, this is ${process.versions.node}`,
  )
}

/**
 * Starts a TCP server that makes a protocol with `protocolFactory` for each connection (asyncio's
 * `loop.create_server`). It listens on every address `host` resolves to, on one port.
 *
 * @returns The server, once it listens on every address.
 * @throws TypeError or RangeError (synchronously rejected) for an invalid option, naming it.
 * @throws `NetworkError` (from `@wirekit/protocol-core`) when resolving or listening fails (`EADDRINUSE`, `EACCES`,
 *   `EADDRNOTAVAIL`, `ENOTFOUND`, ...), naming host and port; nothing is left listening.
 * @example
 * ```ts
 * const server = await createServer(() => new EchoServer(), { port: 0 })
 * const [{ port }] = server.addresses()
 * // ...
 * server.close()
 * server.closeClients()
 * await server.waitClosed()
 * ```
 * @see {@link https://nodejs.org/api/net.html#netcreateserveroptions-connectionlistener | net.createServer()}
 */
export async function createServer<TProtocol extends AnyProtocol>(
  protocolFactory: ProtocolFactory<TProtocol>,
  options: TCPServerOptions = {},
): Promise<TCPServer> {
  if (typeof protocolFactory !== 'function') {
    throw new TypeError('createServer() takes a protocol factory function as its first argument')
  }
  const givenHost = options.host ?? 'localhost'
  const hosts = typeof givenHost === 'string' ? [givenHost] : [...givenHost]
  if (hosts.length === 0) {
    throw new RangeError('option host must name at least one host, got an empty array')
  }
  hosts.forEach((host) => checkHost('host', host))
  const port = checkPort('port', options.port ?? 0, true)
  const backlog = checkCount('backlog', options.backlog, false) ?? DEFAULT_BACKLOG
  const maxConnections = checkCount('maxConnections', options.maxConnections, true) ?? Infinity
  const idleTimeout = checkDuration('idleTimeout', options.idleTimeout)
  const signal = checkSignal('signal', options.signal)
  const reusePort = resolveReusePort(options.reusePort)
  const socketOptions = resolveSocketOptions(options)
  const tls = options.tls === undefined ? undefined : resolveTLSServerOptions(options.tls)
  const proxy =
    options.proxyProtocol === undefined ? undefined : resolveProxyOptions(options.proxyProtocol)
  signal?.throwIfAborted()

  const hostLabel = hosts.join(', ')
  return startServer(protocolFactory, {
    socketOptions,
    maxConnections,
    idleTimeout,
    signal,
    tls,
    proxy,
    listen: async (server, pauseOnConnect) => {
      const addresses = await resolveListenAddresses(hosts)
      signal?.throwIfAborted()
      server.attach(
        await listenOnAll(addresses, {
          pauseOnConnect,
          port,
          backlog,
          reusePort,
          socketOptions,
          onConnection: server.onConnection,
          onListenerError: server.onListenerError,
        }),
      )
    },
    toError: (error) => toNetworkError('listen', hostLabel, port, error),
  })
}
