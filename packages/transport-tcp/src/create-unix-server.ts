import type { AnyProtocol, ProtocolFactory } from '@wirekit/protocol-core'
import { listenOnPath } from './listen-unix.ts'
import { resolveSocketOptions } from './socket-options.ts'
import { DEFAULT_BACKLOG, startServer } from './start-server.ts'
import type { TCPServer } from './tcp-server.ts'
import { unixServerKind } from './unix-kind.ts'
import type { UnixServerOptions } from './unix-options.ts'
import { abstractNamePadded, abstractPaddingNote, checkUnixPath } from './unix-path.ts'
import { toUnixSocketError } from './unix-socket-error.ts'
import { checkCount, checkDuration, checkSignal } from './validate-options.ts'

/**
 * A listening Unix-socket server: the same server as TCP's, with the same policies and counters.
 * While it listens, `addresses()` gives one address, `{ address: path, family: 'unix', port: 0 }`
 * (the path as given, an abstract name with its leading `'\0'`); once closed, none.
 */
export type UnixServer = TCPServer

/** The permission bits a socket file may be given. */
function checkMode(value: unknown, abstract: boolean): number | undefined {
  if (value === undefined) {
    return undefined
  }
  if (typeof value !== 'number') {
    throw new TypeError(`option mode must be a number, got ${typeof value}`)
  }
  if (!Number.isInteger(value) || value < 0 || value > 0o777) {
    throw new RangeError(
      `option mode must be permission bits from 0o0 to 0o777, got ${String(value)}`,
    )
  }
  if (abstract) {
    throw new RangeError('option mode does not apply to an abstract name, which has no file')
  }
  return value
}

/**
 * Starts a server on a Unix domain socket that makes a protocol with `protocolFactory` for each
 * connection (asyncio's `loop.create_unix_server`): the same protocols, transports and server
 * policies as {@link createServer}.
 *
 * Before listening, a socket file left at the path by a server that died is removed (a
 * connection to it is refused); a live server's path is never taken, and a path that is not a
 * socket is never removed. The socket file is created with its final permissions (`mode`), and
 * on `close()` it is removed if the path still holds it.
 *
 * @returns The server, once it listens.
 * @throws TypeError or RangeError (synchronously rejected) for an invalid option, naming it.
 * @throws `UnixSocketError` (a `NetworkError`) when the path cannot be listened on: `EADDRINUSE`
 *   when a live server listens there or the path is not a socket, `ENAMETOOLONG` when it does
 *   not fit in a socket address, else the system's code (`EACCES`, `ENOENT`, ...). Nothing is
 *   left listening and nothing is left at the path.
 * @example
 * ```ts
 * const server = await createUnixServer(() => new EchoServer(), { path: '/run/app/app.sock', mode: 0o600 })
 * // ...
 * server.close() // stops listening and removes the socket file
 * server.closeClients()
 * await server.waitClosed()
 * ```
 * @see {@link https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.create_unix_server | loop.create_unix_server()}
 */
export async function createUnixServer<TProtocol extends AnyProtocol>(
  protocolFactory: ProtocolFactory<TProtocol>,
  options: UnixServerOptions,
): Promise<UnixServer> {
  if (typeof protocolFactory !== 'function') {
    throw new TypeError(
      'createUnixServer() takes a protocol factory function as its first argument',
    )
  }
  const givenOptions: unknown = options
  if (typeof givenOptions !== 'object' || givenOptions == null) {
    throw new TypeError('createUnixServer() takes an options object with at least a path')
  }
  const target = checkUnixPath('path', options.path, 'listen')
  const mode = checkMode(options.mode, target.abstract)
  const backlog = checkCount('backlog', options.backlog, false) ?? DEFAULT_BACKLOG
  const maxConnections = checkCount('maxConnections', options.maxConnections, true) ?? Infinity
  const idleTimeout = checkDuration('idleTimeout', options.idleTimeout)
  const signal = checkSignal('signal', options.signal)
  const socketOptions = resolveSocketOptions(options)
  signal?.throwIfAborted()

  const { path } = target
  const server = await startServer(protocolFactory, {
    socketOptions,
    maxConnections,
    idleTimeout,
    signal,
    kind: unixServerKind(path),
    listen: async (server, pauseOnConnect) => {
      const { listener, file } = await listenOnPath(target, {
        pauseOnConnect,
        backlog,
        mode,
        onConnection: server.onConnection,
        onListenerError: server.onListenerError,
      })
      server.attach([listener], {
        addresses: () => [{ address: path, family: 'unix', port: 0 }],
        release: () => {
          try {
            file?.removeIfOurs()
          } catch (error) {
            socketOptions.onWarning(
              `could not remove the socket file ${path}: ${error instanceof Error ? error.message : String(error)}`,
            )
          }
        },
      })
    },
    toError: (error) => toUnixSocketError('listen', path, error),
  })
  if (target.abstract && abstractNamePadded(path)) {
    socketOptions.onWarning(`listening on an abstract name: ${abstractPaddingNote(path)}`)
  }
  return server
}
