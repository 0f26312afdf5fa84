import type { Socket } from 'node:net'
import type { ExtraInfo } from '@wirekit/protocol-core'
import type { TCPSocketOptions } from './options.ts'

/**
 * The extra information a Unix-socket transport gives, as asyncio gives it for `AF_UNIX`: on a
 * connection a server accepted, `sockname` is the server's path and `peername` `''`; on a client's
 * connection, `peername` is the path it connected to and `sockname` `''`. An abstract name keeps
 * its leading `'\0'`.
 */
export interface UnixExtraInfo extends ExtraInfo {
  /** The path of the other end; `''` for a client, which has no name. */
  peername: string
  /** The path of this end; `''` on a client. */
  sockname: string
  /** The connection's socket. Reading from or writing to it directly breaks the transport. */
  socket: Socket
}

/**
 * Options shared by Unix servers and connections: TCP's less `noDelay` and the keep-alive
 * options, which Unix sockets do not have.
 */
export type UnixSocketOptions = Pick<
  TCPSocketOptions,
  'writeBufferLimits' | 'lingerTimeout' | 'onError' | 'onWarning'
>

/**
 * Options of {@link createUnixServer}.
 * @see {@link https://nodejs.org/api/net.html#serverlistenoptions-callback | server.listen()}
 */
export interface UnixServerOptions extends UnixSocketOptions {
  /**
   * The socket's path, at most 107 bytes of UTF-8 on Linux (103 on macOS), or on Linux an
   * abstract name: `'\0'` then up to 107 bytes, with no file at all. A socket file already there
   * is probed: removed if no server answers (a stale file), else the server fails with
   * `EADDRINUSE`; a path holding anything else is never removed.
   */
  path: string
  /**
   * The socket file's permission bits, such as `0o600` (only this user may connect) or `0o660`
   * (this user and the group). The file never exists with other bits, not even for a moment.
   * Not for abstract names, which have no file.
   * @default 0o777 less the process's umask, as a bind gives
   */
  mode?: number
  /**
   * The length of the queue of pending connections.
   * @default 511
   */
  backlog?: number
  /** Closes the server (stops listening) when aborted. */
  signal?: AbortSignal
  /**
   * The most connections open at once. A connection past it is closed at once, before any
   * protocol is made for it; closing one frees a slot.
   * @default Infinity
   */
  maxConnections?: number
  /**
   * Milliseconds without data in either direction after which a connection is closed; any traffic
   * restarts the count. 0 disables it.
   * @default 0
   */
  idleTimeout?: number
}

/**
 * Options of {@link createUnixConnection}.
 * @see {@link https://nodejs.org/api/net.html#socketconnectoptions-connectlistener | socket.connect()}
 */
export interface UnixConnectionOptions extends UnixSocketOptions {
  /** The server's socket path, or on Linux an abstract name (`'\0name'`). */
  path: string
  /**
   * Milliseconds to wait for the connection before failing with `ETIMEDOUT`; 0 waits as long as
   * the system does.
   * @default 0
   */
  timeout?: number
  /** Cancels the attempt while it is under way (rejects with the signal's reason). */
  signal?: AbortSignal
}
