import type { Socket } from 'node:net'
import type { ProtocolFactory } from '@wirekit/protocol-core'
import { descriptorLimit } from './descriptor-limit.ts'
import { detectWritePath, writePathWarning } from './direct-writes.ts'
import type { ResolvedProxyOptions } from './proxy-options.ts'
import type { ResolvedSocketOptions } from './socket-options.ts'
import type { SocketKind } from './socket-transport.ts'
import { publishServerListening } from './diagnostics.ts'
import { TCPServerImpl } from './tcp-server.ts'
import { TLSAcceptor } from './tls-acceptor.ts'
import type { ResolvedTLSServerOptions } from './tls-options.ts'
import { detectReadPath, readPathWarning } from './user-buffer-reads.ts'

/** Node's default listen backlog. */
export const DEFAULT_BACKLOG = 511

/** What {@link startServer} needs besides the protocol factory. */
export interface StartServerSettings {
  readonly socketOptions: ResolvedSocketOptions
  readonly maxConnections: number
  readonly idleTimeout: number | undefined
  readonly signal: AbortSignal | undefined
  /** The kind of the accepted sockets; TCP when not given. */
  readonly kind?: ((socket: Socket) => SocketKind) | undefined
  /** TLS on every connection, after the PROXY header if any. */
  readonly tls?: ResolvedTLSServerOptions | undefined
  /** A PROXY header at the start of every connection. */
  readonly proxy?: ResolvedProxyOptions | undefined
  /**
   * Opens the listening sockets and attaches them to `server`. `pauseOnConnect` says whether
   * they must start accepted sockets paused (to switch them to user-buffer reads, or to read a
   * PROXY header or start TLS, first).
   */
  readonly listen: (server: TCPServerImpl, pauseOnConnect: boolean) => Promise<void>
  /** The error to reject with when `listen` fails. */
  readonly toError: (error: unknown) => Error
}

/**
 * Starts a server, whatever it listens on (IP addresses or a Unix socket path): one server
 * implementation with every policy (maximum connections, idle timeout, descriptor back-off,
 * closing), the read and write paths chosen once per process, and the abort signal honoured until and
 * after it listens. Nothing is left listening when it rejects.
 */
export async function startServer(
  protocolFactory: ProtocolFactory,
  settings: StartServerSettings,
): Promise<TCPServerImpl> {
  const { signal, socketOptions, tls, proxy } = settings
  const [readPath, writePath] = await Promise.all([detectReadPath(), detectWritePath()])
  const userBufferReads = readPath.kind === 'user-buffers' ? readPath.symbols : undefined
  const server = new TCPServerImpl(protocolFactory, {
    socketOptions,
    maxConnections: settings.maxConnections,
    idleTimeout: settings.idleTimeout,
    userBufferReads,
    descriptors: descriptorLimit(),
    kind: settings.kind,
    tls:
      tls === undefined
        ? undefined
        : { acceptor: new TLSAcceptor(tls), shutdownTimeout: tls.shutdownTimeout },
    proxy,
  })
  try {
    await settings.listen(
      server,
      userBufferReads !== undefined || tls !== undefined || proxy !== undefined,
    )
  } catch (error) {
    server.close()
    throw signal?.aborted === true ? signal.reason : settings.toError(error)
  }
  if (signal?.aborted === true) {
    server.close()
    throw signal.reason
  }
  publishServerListening(server)
  for (const warning of [readPathWarning(readPath), writePathWarning(writePath)]) {
    if (warning !== undefined) {
      socketOptions.onWarning(warning)
    }
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
