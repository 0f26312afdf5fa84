import type { AnyProtocol, ProtocolFactory } from '@wirekit/protocol-core'
import { descriptorLimit } from './descriptor-limit.ts'
import { listenOnAll, resolveListenAddresses } from './listen.ts'
import { toNetworkError } from './network-errors.ts'
import type { TCPServerOptions } from './options.ts'
import { resolveProxyOptions } from './proxy-options.ts'
import { resolveSocketOptions } from './socket-options.ts'
import { TLSAcceptor } from './tls-acceptor.ts'
import { resolveTLSServerOptions } from './tls-options.ts'
import { TCPServerImpl, type TCPServer } from './tcp-server.ts'
import { detectReadPath, readPathWarning } from './user-buffer-reads.ts'
import { checkCount, checkDuration, checkHost, checkPort, checkSignal } from './validate-options.ts'

export type { TCPServer } from './tcp-server.ts'

/** Node's default listen backlog. */
const DEFAULT_BACKLOG = 511

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
  const socketOptions = resolveSocketOptions(options)
  const tls = options.tls === undefined ? undefined : resolveTLSServerOptions(options.tls)
  const proxy =
    options.proxyProtocol === undefined ? undefined : resolveProxyOptions(options.proxyProtocol)
  signal?.throwIfAborted()

  const hostLabel = hosts.join(', ')
  const readPath = await detectReadPath()
  const userBufferReads = readPath.kind === 'user-buffers' ? readPath.symbols : undefined
  const server = new TCPServerImpl(protocolFactory, {
    socketOptions,
    maxConnections,
    idleTimeout,
    userBufferReads,
    descriptors: descriptorLimit(),
    tls:
      tls === undefined
        ? undefined
        : { acceptor: new TLSAcceptor(tls), shutdownTimeout: tls.shutdownTimeout },
    proxy,
  })
  try {
    const addresses = await resolveListenAddresses(hosts)
    signal?.throwIfAborted()
    server.attach(
      await listenOnAll(addresses, {
        pauseOnConnect: userBufferReads !== undefined || tls !== undefined || proxy !== undefined,
        port,
        backlog,
        socketOptions,
        onConnection: server.onConnection,
        onListenerError: server.onListenerError,
      }),
    )
  } catch (error) {
    server.close()
    throw signal?.aborted === true
      ? signal.reason
      : toNetworkError('listen', hostLabel, port, error)
  }
  if (signal?.aborted === true) {
    server.close()
    throw signal.reason
  }
  const warning = readPathWarning(readPath)
  if (warning !== undefined) {
    socketOptions.onWarning(warning)
  }
  signal?.addEventListener(
    'abort',
    () => {
      server.close()
    },
    { once: true },
  )
  return server
}
