import type { Socket } from 'node:net'
import type { ExtraInfo, TransportAddress, WriteBufferLimits } from '@wirekit/protocol-core'
import type { ProxyHeader } from '@wirekit/proxy-protocol'
import type { ProxyProtocolOptions } from './proxy-options.ts'
import type { TLSConnectionOptions, TLSExtraInfo, TLSServerOptions } from './tls-options.ts'

/**
 * The extra information a TCP transport gives: `socket` is the `net.Socket` itself (a
 * `tls.TLSSocket` over TLS). The TLS keys are `undefined` on a plaintext connection, as in asyncio.
 */
export interface TCPExtraInfo extends ExtraInfo, TLSExtraInfo {
  /** The remote address and port (the client's, behind a balancer that sends a PROXY header). */
  peername: TransportAddress
  /** The local address and port. */
  sockname: TransportAddress
  /** The connection's socket. Reading from or writing to it directly breaks the transport. */
  socket: Socket
  /** The PROXY header the connection started with (servers with `proxyProtocol`). */
  proxyHeader: ProxyHeader
  /** The balancer's own address, when the connection came through one with a PROXY header. */
  proxyPeername: TransportAddress
}

/** Options shared by servers and connections. */
export interface TCPSocketOptions {
  /**
   * Disables Nagle's algorithm, so small writes leave at once.
   * @default true
   * @see {@link https://nodejs.org/api/net.html#socketsetnodelaynodelay | socket.setNoDelay()}
   */
  noDelay?: boolean
  /**
   * Enables TCP keep-alive probes.
   * @default false
   * @see {@link https://nodejs.org/api/net.html#socketsetkeepaliveenable-initialdelay | socket.setKeepAlive()}
   */
  keepAlive?: boolean
  /**
   * Milliseconds of idleness before the first keep-alive probe; 0 keeps the system's value.
   * @default 0
   * @see {@link https://nodejs.org/api/net.html#socketsetkeepaliveenable-initialdelay | socket.setKeepAlive()}
   */
  keepAliveInitialDelay?: number
  /** The write-buffer water marks each transport starts with (see `setWriteBufferLimits`). */
  writeBufferLimits?: Partial<WriteBufferLimits>
  /**
   * Milliseconds the socket of a transport closed by `close()` stays open, once the buffer is
   * flushed and the FIN sent, waiting for the peer's EOF and discarding what it still sends (a
   * lingering close, as nginx and Apache do). Closing a socket with the peer's bytes unread makes
   * the kernel send a reset, which can destroy what was flushed before the peer read it.
   * `connectionLost` is not delayed: it comes after the flush, as in asyncio, and the lingering
   * socket does not keep the process alive. 0 closes the socket right after the flush.
   * @default 5000
   */
  lingerTimeout?: number
  /**
   * Told of every error a protocol callback throws (a `ProtocolCallbackError` naming the callback
   * and the peer). The connection is aborted whatever this does.
   * @default one line on standard error
   */
  onError?: (error: Error) => void
  /**
   * Told of misuse that does no harm, such as writes that keep coming after a close.
   * @default `process.emitWarning`
   */
  onWarning?: (message: string) => void
}

/**
 * Options of {@link createServer}.
 * @see {@link https://nodejs.org/api/net.html#serverlistenoptions-callback | server.listen()}
 */
export interface TCPServerOptions extends TCPSocketOptions {
  /**
   * The host to listen on. The server listens on every address it resolves to (for `'localhost'`,
   * 127.0.0.1 and ::1 where both exist), as asyncio does. `'0.0.0.0'` or `'::'` listen on every
   * interface; nothing else does. An array listens on each host given.
   * @default 'localhost'
   */
  host?: string | readonly string[]
  /**
   * The port; 0 picks a free one (the same one on every address).
   * @default 0
   */
  port?: number
  /**
   * The length of the queue of pending connections.
   * @default 511
   */
  backlog?: number
  /** Closes the server (stops listening) when aborted. */
  signal?: AbortSignal
  /**
   * Lets several processes listen on the same port (`SO_REUSEPORT`): the kernel spreads the
   * connections among them. Node has it from 22.12 (and 23.1) on; `true` on an older Node is
   * refused with an `UnsupportedOptionError` rather than ignored (a second server would then fail
   * with `EADDRINUSE`), and `'if-supported'` listens without it there.
   * @default false
   * @see {@link https://nodejs.org/api/net.html#serverlistenoptions-callback | server.listen()}
   */
  reusePort?: boolean | 'if-supported'
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
  /**
   * Serves TLS: each connection's protocol is made, and its `connectionMade` called, once the
   * handshake is done; a failed handshake never reaches a protocol (see
   * `TCPServer.handshakeFailureCount`).
   */
  tls?: TLSServerOptions
  /**
   * Expects a PROXY protocol header (v1 or v2) from a trusted balancer at the start of every
   * connection: `connectionMade` runs only after a complete, valid one, and `peername`/`sockname`
   * are then the client's (`getExtraInfo('proxyHeader')` gives the header, `'proxyPeername'` the
   * balancer). With `tls` too, the header comes first, then the TLS handshake.
   */
  proxyProtocol?: ProxyProtocolOptions
}

/**
 * Options of {@link createConnection}.
 * @see {@link https://nodejs.org/api/net.html#socketconnectoptions-connectlistener | socket.connect()}
 */
export interface TCPConnectionOptions extends TCPSocketOptions {
  /**
   * The host to connect to; when it resolves to several addresses they are tried in turn
   * (Node's `autoSelectFamily`).
   * @default 'localhost'
   */
  host?: string
  /** The port to connect to. */
  port: number
  /** The local address to connect from. */
  localAddress?: string
  /**
   * Milliseconds to wait for the connection before failing with `ETIMEDOUT`; 0 waits as long as
   * the system does.
   * @default 0
   */
  timeout?: number
  /** Cancels the attempt while it is under way (rejects with the signal's reason). */
  signal?: AbortSignal
  /**
   * Speaks TLS: `true` verifies the server against the system's CAs, or give the options (a `ca`,
   * a client certificate, `servername`, ALPN). `connectionMade` is called once the handshake is done.
   */
  tls?: true | TLSConnectionOptions
}
