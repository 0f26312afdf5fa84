import type { AnyProtocol, ProtocolFactory, Transport } from '@wirekit/protocol-core'
import { checkConnectArguments, connectReading, connectSocket } from './create-connection.ts'
import { resolveSocketOptions, transportHooksOf } from './socket-options.ts'
import { SocketTransport } from './socket-transport.ts'
import { unixClientKind } from './unix-kind.ts'
import type { UnixConnectionOptions, UnixExtraInfo } from './unix-options.ts'
import { abstractNamePadded, abstractPaddingNote, checkUnixPath } from './unix-path.ts'
import { toUnixSocketError, UnixSocketError } from './unix-socket-error.ts'
import { checkDuration, checkSignal } from './validate-options.ts'

/** What {@link createUnixConnection} resolves to: the connection's transport and its protocol. */
export interface UnixConnection<TProtocol extends AnyProtocol = AnyProtocol> {
  /** The transport, already given to the protocol's `connectionMade`. */
  readonly transport: Transport<UnixExtraInfo>
  /** The protocol the factory made. */
  readonly protocol: TProtocol
}

/**
 * Connects to a Unix domain socket and makes a protocol for the connection (asyncio's
 * `loop.create_unix_connection`). The factory is called once connected; `connectionMade` has run
 * when the promise resolves. The transport is TCP's: the same contract, water marks and closing.
 *
 * @throws TypeError or RangeError (rejected) for an invalid option, naming it.
 * @throws `UnixSocketError` (a `NetworkError`) when the connection cannot be made: it keeps the
 *   system's `code` (`ENOENT` for no such path, `ECONNREFUSED` for a socket file no server
 *   listens on, `EACCES`, `EAGAIN` for a server whose queue is full, `ETIMEDOUT`) and names the
 *   path; `ENAMETOOLONG` for a path longer than a socket address holds. `connectionMade` is never
 *   called then.
 * @example
 * ```ts
 * const { transport, protocol } = await createUnixConnection(() => new EchoClient(), {
 *   path: '/run/app/app.sock',
 *   timeout: 5000,
 * })
 * ```
 * @see {@link https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.create_unix_connection | loop.create_unix_connection()}
 */
export async function createUnixConnection<TProtocol extends AnyProtocol>(
  protocolFactory: ProtocolFactory<TProtocol>,
  options: UnixConnectionOptions,
): Promise<UnixConnection<TProtocol>> {
  checkConnectArguments('createUnixConnection', protocolFactory, options, 'a path')
  const { path, abstract } = checkUnixPath('path', options.path, 'connect')
  const timeout = checkDuration('timeout', options.timeout)
  const signal = checkSignal('signal', options.signal)
  const socketOptions = resolveSocketOptions(options)
  signal?.throwIfAborted()

  const { socket, reads } = connectReading({ path })
  try {
    await connectSocket(socket, timeout, signal)
  } catch (error) {
    socket.destroy()
    if (signal?.aborted === true) {
      throw error
    }
    const refused = (error as NodeJS.ErrnoException).code === 'ECONNREFUSED'
    if (refused && abstract && abstractNamePadded(path)) {
      throw new UnixSocketError(
        'connect',
        path,
        'ECONNREFUSED',
        `connection refused; ${abstractPaddingNote(path)}`,
        { cause: error },
      )
    }
    throw toUnixSocketError('connect', path, error)
  }
  let protocol: TProtocol
  try {
    protocol = protocolFactory()
  } catch (error) {
    socket.destroy()
    throw error
  }
  const transport = new SocketTransport<UnixExtraInfo>(
    socket,
    protocol,
    transportHooksOf(socketOptions),
    unixClientKind(path),
  )
  reads.attach(transport)
  transport.start()
  return { transport, protocol }
}
