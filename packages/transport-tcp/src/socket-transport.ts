import type { Socket } from 'node:net'
import { StreamTransport } from '@wirekit/connection-core'
import {
  IdleTimeoutError,
  type AnyProtocol,
  type ExtraInfo,
  type TransportAddress,
  type WriteBufferLimits,
} from '@wirekit/protocol-core'
import {
  publishBackpressure,
  publishConnectionClosed,
  publishConnectionOpened,
  type DiagnosedServer,
} from './diagnostics.ts'
import type { TCPExtraInfo } from './options.ts'
import { sharedReadBuffer } from './read-buffer.ts'
import { pendingConnectionError } from './reset-probe.ts'
import {
  endAndNotifyWhenFlushed,
  routeSocketEvents,
  unrouteSocketEvents,
  type SocketEventHandler,
} from './socket-events.ts'
import { readIntoScratch, type UserBufferReader } from './user-buffer-reads.ts'
import { SocketWriter } from './socket-writer.ts'
import { unsentBytes } from './unsent-bytes.ts'

/** How a transport reports problems and tells its owner (a server) that it is gone. */
export interface TransportHooks {
  readonly onError: (error: Error) => void
  readonly onWarning: (message: string) => void
  /** The transport is over; `handedOver` when the connection goes on in another (STARTTLS). */
  readonly onLost?:
    ((transport: SocketTransport<ExtraInfo>, handedOver: boolean) => void) | undefined
  /** The connection goes on in a new transport (after STARTTLS). */
  readonly onUpgraded?: ((transport: SocketTransport<ExtraInfo>) => void) | undefined
  /** `true` for a connection a server accepted: it takes the server side of an upgrade. */
  readonly serverSide?: boolean | undefined
  /** The server that accepted the connection, for diagnostics messages. */
  readonly server?: DiagnosedServer | undefined
  readonly writeBufferLimits?: Partial<WriteBufferLimits> | undefined
  readonly idleTimeout?: number | undefined
  /** Milliseconds to wait for the peer's EOF after a flushed `close()` (0: close at once). */
  readonly lingerTimeout?: number | undefined
}

/** What differs between the kinds of socket a {@link SocketTransport} drives (TCP, TLS, Unix). */
export interface SocketKind {
  /** The connection's addresses, read once (Node forgets the local one when the socket closes). */
  readonly peername: unknown
  readonly sockname: unknown
  /** Who the connection is with, for messages. */
  readonly peer: string | undefined
  /**
   * Reads the descriptor once more at EOF to tell a reset from an end (see reset-probe.ts): only
   * where the transport owns the bytes on the descriptor, not under TLS.
   */
  readonly probeResetAtEof: boolean
  /** Extra information under other keys than `peername`, `sockname` and `socket`. */
  readonly extraInfo?: ((name: string) => unknown) | undefined
  /**
   * Milliseconds `close()` may take to flush (TLS: and send close_notify) before the socket is cut;
   * 0 or left out: no limit.
   */
  readonly closeTimeout?: number | undefined
  /** The bytes written and still in the process (see unsent-bytes.ts); TCP's count by default. */
  readonly unsentBytes?: ((socket: Socket) => number) | undefined
}

/**
 * A {@link SocketKind} written out with every field, those left `undefined` too: what a kind built
 * from another one is typed as, so that a field added to `SocketKind` later cannot be left behind.
 */
export type CompleteSocketKind = { readonly [K in keyof Required<SocketKind>]: SocketKind[K] }

/**
 * The kind of a plain TCP socket: addresses from the socket, resets probed at EOF. A class, so
 * that the label for messages (`peer`) is made when a message needs it, not for every connection.
 */
class TcpKind implements SocketKind {
  readonly peername: TransportAddress | undefined
  readonly sockname: TransportAddress | undefined
  readonly probeResetAtEof = true

  constructor(socket: Socket) {
    this.peername = remoteAddressOf(socket)
    this.sockname = localAddressOf(socket)
  }

  get peer(): string | undefined {
    const { peername } = this
    return peername === undefined ? undefined : `${peername.address} port ${peername.port}`
  }
}

/** The kind of a plain TCP socket: addresses from the socket, resets probed at EOF. */
export function tcpKind(socket: Socket): SocketKind {
  return new TcpKind(socket)
}

/** What a transport hands over to the one that carries its connection on (after STARTTLS). */
export interface HandOver {
  readonly socket: Socket
  readonly hooks: TransportHooks
  readonly kind: SocketKind
  /** Bytes received and not delivered: they belong to what comes next (the TLS engine). */
  readonly held: Uint8Array[]
  readonly writeBufferLimits: WriteBufferLimits
}

/** Ends a close that did not end in time (shared by every socket: no closure each). */
function cutSocket(socket: Socket): void {
  socket.destroy()
}

function remoteAddressOf(socket: Socket): TransportAddress | undefined {
  const { remoteAddress: address, remoteFamily: family, remotePort: port } = socket
  return address === undefined || family === undefined || port === undefined
    ? undefined
    : { address, family, port }
}

function localAddressOf(socket: Socket): TransportAddress | undefined {
  const local = socket.address()
  return 'port' in local ? local : undefined
}

/**
 * The transport over a `net.Socket` (TCP, TLS or Unix): the connection core plus the socket's
 * I/O. The socket must have been created with `allowHalfOpen: true`, so that a FIN from the peer
 * reaches `eofReceived` instead of ending ours. Every rule of the contract is the core's.
 *
 * Bytes arrive one of two ways: as Node's `'data'` events (a fresh buffer per read), or, when the
 * socket reads into memory the transport chooses (`onread`), through {@link SocketTransport.onRead}:
 * into the buffered protocol's own memory, or into the process's shared read buffer, copied out.
 */
export class SocketTransport<TExtraInfo extends ExtraInfo = TCPExtraInfo>
  extends StreamTransport<TExtraInfo>
  implements SocketEventHandler, UserBufferReader
{
  readonly #socket: Socket
  readonly #hooks: TransportHooks
  readonly #kind: SocketKind
  readonly #writer: SocketWriter
  /** Set while the socket of a flushed close() waits for the peer's EOF (see `lingerTimeout`). */
  #lingerTimer: NodeJS.Timeout | undefined
  /** Set while a close() flushes under a time limit (see {@link SocketKind.closeTimeout}). */
  #closeTimer: NodeJS.Timeout | undefined
  /** The connection went on in another transport (STARTTLS). */
  #handedOver = false

  constructor(
    socket: Socket,
    protocol: AnyProtocol,
    hooks: TransportHooks,
    kind: SocketKind = tcpKind(socket),
  ) {
    // The hooks are the server's, one object for all its connections; the peer is asked of the
    // kind when a message needs it (describePeer).
    super(protocol, hooks)
    this.#socket = socket
    this.#hooks = hooks
    this.#kind = kind
    this.#writer = new SocketWriter(socket)
    routeSocketEvents(socket, this, hooks.idleTimeout ?? 0)
  }

  protected override describePeer(): string | undefined {
    return this.#kind.peer
  }

  // --- the socket's I/O, for the core ---

  protected ioStartReading(): void {
    this.#socket.resume()
  }

  protected ioStopReading(): void {
    this.#socket.pause()
  }

  protected ioWrite(data: Uint8Array): void {
    this.#writer.write(data, this.#onChunkWritten)
  }

  protected ioWriteAll(chunks: readonly Uint8Array[]): void {
    this.#writer.writeAll(chunks, this.#onChunkWritten)
  }

  protected ioWriteBufferSize(): number {
    return (this.#kind.unsentBytes ?? unsentBytes)(this.#socket)
  }

  protected ioWriteEof(): void {
    this.#socket.end()
  }

  protected ioClose(): void {
    const socket = this.#socket
    // Keep reading, discarding: bytes left unread in the kernel would make the close a reset
    // (RST), and the peer could then lose what we flushed to it. Into our own memory: the
    // protocol's may be lent for the next read, and is the protocol's again.
    readIntoScratch(socket)
    socket.resume()
    if (socket.writableFinished) {
      socket.destroy()
      return
    }
    // 'finish' comes once everything written has been handed to the kernel and FIN was sent.
    endAndNotifyWhenFlushed(socket)
    const limit = this.#kind.closeTimeout ?? 0
    if (limit > 0) {
      this.#closeTimer = setTimeout(cutSocket, limit, socket)
      this.#closeTimer.unref()
    }
  }

  protected ioAbort(): void {
    this.#socket.destroy()
  }

  protected ioExtraInfo(name: string): unknown {
    switch (name) {
      case 'peername':
        return this.#kind.peername
      case 'sockname':
        return this.#kind.sockname
      case 'socket':
        return this.#socket
      default:
        return this.#kind.extraInfo?.(name)
    }
  }

  override start(): void {
    super.start()
    publishConnectionOpened(this, this.#hooks.server)
  }

  protected override onFinished(): void {
    if (!this.#handedOver) {
      publishConnectionClosed(this, this.#hooks.server, this.recordedError)
    }
    this.#hooks.onLost?.(this, this.#handedOver)
  }

  override onPauseWriting(): void {
    super.onPauseWriting()
    publishBackpressure(this, true)
  }

  override onResumeWriting(): void {
    super.onResumeWriting()
    publishBackpressure(this, false)
  }

  /** Bytes received on the socket so far. */
  get bytesReceived(): number {
    return this.#socket.bytesRead
  }

  /** Bytes sent on the socket so far. */
  get bytesSent(): number {
    return this.#socket.bytesWritten
  }

  /** Bytes read before the transport existed (after a PROXY header): delivered first. */
  receiveFirst(bytes: Uint8Array): void {
    this.receive(bytes)
  }

  // --- handing the connection over (STARTTLS) ---

  /** `true` when a server accepted this connection: it takes the server side of an upgrade. */
  get serverSide(): boolean {
    return this.#hooks.serverSide === true
  }

  /**
   * Starts a hand-over: from now on this transport is closing (writes are dropped, with the usual
   * warning) and delivers nothing; what it had received and not delivered is returned with the
   * socket. The socket still flushes what was written before; call
   * {@link SocketTransport.releaseSocket} before another owner takes it.
   */
  beginHandOver(): HandOver {
    const limits = this.getWriteBufferLimits()
    const held = this.suspendForHandOver()
    return {
      socket: this.#socket,
      hooks: this.#hooks,
      kind: this.#kind,
      held,
      writeBufferLimits: limits,
    }
  }

  /** Takes this transport's listeners and timers off the socket. */
  releaseSocket(): void {
    clearTimeout(this.#lingerTimer)
    clearTimeout(this.#closeTimer)
    unrouteSocketEvents(this.#socket)
  }

  /** The connection goes on in another transport: this one is over, without `connectionLost`. */
  endHandOver(next: SocketTransport<ExtraInfo>): void {
    this.#hooks.onUpgraded?.(next)
    this.#handedOver = true
    this.handedOver()
  }

  /** The hand-over failed: the socket is closed and the protocol's connection is lost with `error`. */
  failHandOver(error: Error): void {
    this.recordError(error)
    this.#socket.destroy()
    this.finish()
  }

  // --- reads into memory the transport chooses (UserBufferReader) ---

  /** The memory for the socket's next read: the buffered protocol's own, else the shared one. */
  nextBuffer(): Uint8Array {
    return this.readBuffer(sharedReadBuffer)
  }

  /** `nread` bytes were read at the start of `buffer`, which {@link nextBuffer} returned. */
  onRead(nread: number, buffer: Uint8Array): void {
    if (!this.readLanded(nread, buffer)) {
      // The shared buffer is read into again by the next read, of any socket: copy the bytes out.
      const chunk = Buffer.allocUnsafe(nread)
      chunk.set(buffer.subarray(0, nread))
      this.receive(chunk)
    }
  }

  // --- socket events (SocketEventHandler) ---

  handleData(chunk: Buffer): void {
    this.receive(chunk)
  }

  handleEnd(): void {
    // After an error (a TLS fatal alert: Node emits 'end' after 'error', and leaves a half-open
    // socket open) the connection is lost, not ended.
    const error = this.recordedError
    if (error !== undefined) {
      this.fail(error)
      return
    }
    if (this.isClosing()) {
      if (this.#lingerTimer !== undefined) {
        this.#socket.destroy()
      }
      return
    }
    const reset = this.#kind.probeResetAtEof ? pendingConnectionError(this.#socket) : undefined
    if (reset !== undefined) {
      this.fail(reset)
      return
    }
    this.receiveEof()
  }

  handleError(error: Error): void {
    this.recordError(error)
  }

  handleClose(): void {
    clearTimeout(this.#lingerTimer)
    clearTimeout(this.#closeTimer)
    this.finish()
  }

  handleIdle(): void {
    if (this.#lingerTimer !== undefined) {
      // Closed by us already, and the peer went quiet: no reason to wait longer, no error.
      this.#socket.destroy()
      return
    }
    this.fail(new IdleTimeoutError(this.#hooks.idleTimeout ?? 0))
  }

  handleFlushed(): void {
    clearTimeout(this.#closeTimer)
    const socket = this.#socket
    const lingerTimeout = this.#hooks.lingerTimeout ?? 0
    if (socket.readableEnded || lingerTimeout === 0) {
      socket.destroy()
      return
    }
    // Our FIN is out, but the peer may still send: closing with its bytes unread would reset
    // the connection and could destroy what we flushed. The socket reads and discards until the
    // peer's EOF, in the background: for the protocol (and the server's count) the connection
    // ends now, as in asyncio, and the lingering socket does not keep the process alive.
    this.#lingerTimer = setTimeout(cutSocket, lingerTimeout, socket)
    this.#lingerTimer.unref()
    socket.unref()
    this.finish()
  }

  /** Passed to every socket write: the one closure a transport needs, since Node calls it bare. */
  readonly #onChunkWritten = (): void => {
    this.#writer.completed()
    // A failed socket drops its buffer: that is no reason to resume writing.
    if (!this.#socket.destroyed) {
      this.writeProgress()
    }
  }
}
