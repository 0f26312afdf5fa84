import type { Socket } from 'node:net'
import {
  checkProtocolBuffer,
  checkWriteData,
  droppedWritesWarning,
  IdleTimeoutError,
  isBufferedProtocol,
  reportCallbackError,
  transportSymbol,
  WriteAfterEofError,
  WriteFlowControl,
  type AnyProtocol,
  type BufferedProtocolCallbacks,
  type FlowControlListener,
  type ProtocolCallbackName,
  type StreamProtocolCallbacks,
  type Transport,
  type TransportAddress,
  type WriteBufferLimits,
} from '@wirekit/protocol-core'
import type { TCPExtraInfo } from './options.ts'
import { READ_SIZE, sharedReadBuffer } from './read-buffer.ts'
import { pendingConnectionError } from './reset-probe.ts'
import {
  endAndNotifyWhenFlushed,
  routeSocketEvents,
  type SocketEventHandler,
} from './socket-events.ts'
import type { UserBufferReader } from './user-buffer-reads.ts'
import { SocketWriter } from './socket-writer.ts'

/** How a transport reports problems and tells its owner (a server) that it is gone. */
export interface TransportHooks {
  readonly onError: (error: Error) => void
  readonly onWarning: (message: string) => void
  readonly onLost?: ((transport: TCPTransport) => void) | undefined
  readonly writeBufferLimits?: Partial<WriteBufferLimits> | undefined
  readonly idleTimeout?: number | undefined
  /** Milliseconds to wait for the peer's EOF after a flushed `close()` (0: close at once). */
  readonly lingerTimeout?: number | undefined
}

/** Ends a lingering close that the peer's EOF did not end in time (shared: no closure each). */
function stopLingering(socket: Socket): void {
  socket.destroy()
}

function addressOf(
  address: string | undefined,
  family: string | undefined,
  port: number | undefined,
): TransportAddress | undefined {
  return address === undefined || family === undefined || port === undefined
    ? undefined
    : { address, family, port }
}

function peerLabelOf(socket: Socket): string | undefined {
  const { remoteAddress, remotePort } = socket
  return remoteAddress === undefined || remotePort === undefined
    ? undefined
    : `${remoteAddress} port ${remotePort}`
}

/**
 * asyncio's selector socket transport on a `net.Socket`. The socket must have been created with
 * `allowHalfOpen: true`, so that a FIN from the peer reaches `eofReceived` instead of ending ours.
 *
 * Bytes arrive one of two ways: as Node's `'data'` events (a fresh buffer per read), or, when the
 * socket reads into memory the transport chooses (`onread`), through {@link TCPTransport.onRead}:
 * into the buffered protocol's own buffer, or into the process's shared read buffer, copied out
 * for a streaming protocol.
 */
export class TCPTransport
  implements Transport<TCPExtraInfo>, SocketEventHandler, FlowControlListener, UserBufferReader
{
  readonly [transportSymbol] = true as const
  readonly #socket: Socket
  readonly #hooks: TransportHooks
  readonly #flow: WriteFlowControl
  readonly #writer: SocketWriter
  /** Who the connection is with, for messages: `127.0.0.1 port 52100`. */
  readonly #peer: string | undefined
  #protocol!: AnyProtocol
  #buffered = false
  #reading = true
  #closing = false
  #eofWritten = false
  #lost = false
  #droppedWrites = 0
  /** Set while the socket of a flushed close() waits for the peer's EOF (see `lingerTimeout`). */
  #lingerTimer: NodeJS.Timeout | undefined
  /** Why the connection ended, for `connectionLost`: the first socket or callback error. */
  #error: Error | undefined
  /** Received chunks (owned copies) waiting for `resumeReading()`, oldest first. */
  #held: Buffer[] | undefined
  /** The buffer the buffered protocol gave for the next read, if the socket reads into it. */
  #protocolBuffer: Uint8Array | undefined

  constructor(socket: Socket, protocol: AnyProtocol, hooks: TransportHooks) {
    this.#socket = socket
    this.#hooks = hooks
    this.setProtocol(protocol)
    this.#flow = new WriteFlowControl(this)
    this.#writer = new SocketWriter(socket)
    if (hooks.writeBufferLimits !== undefined) {
      this.#flow.setLimits(hooks.writeBufferLimits, 0)
    }
    // Node caches both addresses once read, so they stay known after the socket is closed.
    this.#peer = peerLabelOf(socket)
    socket.address()
    routeSocketEvents(socket, this, hooks.idleTimeout ?? 0)
  }

  /**
   * Calls `connectionMade`, then lets the socket read (an accepted socket may have been created
   * paused); the owner calls this once, right after construction.
   */
  start(): void {
    try {
      this.#protocol.connectionMade(this)
    } catch (error) {
      this.#callbackFailed('connectionMade', error)
    }
    if (this.isReading()) {
      this.#socket.resume()
    }
  }

  // --- BaseTransport ---

  close(): void {
    if (this.#closing) {
      return
    }
    this.#closing = true
    this.#stopReading()
    const socket = this.#socket
    if (socket.writableFinished) {
      socket.destroy()
    } else {
      // 'finish' comes once everything written has been handed to the kernel and FIN was sent.
      endAndNotifyWhenFlushed(socket)
    }
  }

  isClosing(): boolean {
    return this.#closing
  }

  getExtraInfo<TKey extends keyof TCPExtraInfo>(name: TKey): TCPExtraInfo[TKey] | undefined
  getExtraInfo<TKey extends keyof TCPExtraInfo, TDefault>(
    name: TKey,
    defaultValue: TDefault,
  ): TCPExtraInfo[TKey] | TDefault
  getExtraInfo(name: string, defaultValue?: unknown): unknown
  getExtraInfo(name: string, defaultValue?: unknown): unknown {
    switch (name) {
      case 'peername': {
        const { remoteAddress, remoteFamily, remotePort } = this.#socket
        return addressOf(remoteAddress, remoteFamily, remotePort) ?? defaultValue
      }
      case 'sockname': {
        const local = this.#socket.address()
        return 'port' in local ? local : defaultValue
      }
      case 'socket':
        return this.#socket
      default:
        return defaultValue
    }
  }

  setProtocol(protocol: AnyProtocol): void {
    this.#protocol = protocol
    this.#buffered = isBufferedProtocol(protocol)
  }

  getProtocol(): AnyProtocol {
    return this.#protocol
  }

  // --- ReadTransport ---

  isReading(): boolean {
    return this.#reading && !this.#closing
  }

  pauseReading(): void {
    if (this.#closing || !this.#reading) {
      return
    }
    this.#reading = false
    this.#socket.pause()
  }

  resumeReading(): void {
    if (this.#closing || this.#reading) {
      return
    }
    this.#reading = true
    let chunk: Buffer | undefined
    while (this.isReading() && (chunk = this.#held?.shift()) !== undefined) {
      this.#deliver(chunk)
    }
    if (this.isReading()) {
      this.#socket.resume()
    }
  }

  // --- WriteTransport ---

  write(data: Uint8Array): void {
    checkWriteData('write', data)
    if (this.#eofWritten) {
      throw new WriteAfterEofError()
    }
    if (data.byteLength === 0) {
      return
    }
    if (this.#closing) {
      this.#dropWrite()
      return
    }
    this.#writer.write(data, this.#onChunkWritten)
    this.#flow.update(this.#socket.writableLength)
  }

  writeLines(chunks: Iterable<Uint8Array>): void {
    const list = Array.from(chunks)
    for (const chunk of list) {
      checkWriteData('writeLines', chunk)
    }
    if (this.#eofWritten) {
      throw new WriteAfterEofError()
    }
    const chunksWithBytes = list.filter((chunk) => chunk.byteLength > 0)
    if (this.#closing) {
      chunksWithBytes.forEach(() => {
        this.#dropWrite()
      })
      return
    }
    if (chunksWithBytes.length > 0) {
      this.#writer.writeAll(chunksWithBytes, this.#onChunkWritten)
      this.#flow.update(this.#socket.writableLength)
    }
  }

  writeEof(): void {
    if (this.#eofWritten || this.#closing) {
      return
    }
    this.#eofWritten = true
    this.#socket.end()
  }

  canWriteEof(): boolean {
    return true
  }

  abort(): void {
    if (this.#lost) {
      return
    }
    this.#closing = true
    this.#stopReading()
    this.#socket.destroy()
  }

  getWriteBufferSize(): number {
    return this.#lost ? 0 : this.#socket.writableLength
  }

  getWriteBufferLimits(): WriteBufferLimits {
    return this.#flow.limits
  }

  setWriteBufferLimits(limits?: Partial<WriteBufferLimits>): void {
    this.#flow.setLimits(limits, this.getWriteBufferSize())
  }

  // --- reads into memory the transport chooses (UserBufferReader) ---

  /** The memory for the socket's next read: the buffered protocol's own, else the shared one. */
  nextBuffer(): Uint8Array {
    this.#protocolBuffer = undefined
    if (this.#buffered && !this.#closing) {
      const buffer = this.#getProtocolBuffer(READ_SIZE)
      if (buffer !== undefined) {
        this.#protocolBuffer = buffer
        return buffer
      }
    }
    return sharedReadBuffer
  }

  /** `nread` bytes were read at the start of `buffer`, which {@link nextBuffer} returned. */
  onRead(nread: number, buffer: Uint8Array): void {
    if (this.#closing) {
      return
    }
    if (buffer === this.#protocolBuffer && this.#reading && this.#buffered) {
      try {
        ;(this.#protocol as BufferedProtocolCallbacks).bufferUpdated(nread)
      } catch (error) {
        this.#callbackFailed('bufferUpdated', error)
      }
      return
    }
    // The shared buffer is read into again by the next read, of any socket: copy the bytes out.
    const chunk = Buffer.allocUnsafe(nread)
    chunk.set(buffer.subarray(0, nread))
    this.#deliver(chunk)
  }

  // --- socket events (SocketEventHandler) ---

  handleData(chunk: Buffer): void {
    if (!this.#closing) {
      this.#deliver(chunk)
    }
  }

  handleEnd(): void {
    if (this.#closing) {
      if (this.#lingerTimer !== undefined) {
        this.#socket.destroy()
      }
      return
    }
    const reset = pendingConnectionError(this.#socket)
    if (reset !== undefined) {
      this.#error ??= reset
      this.abort()
      return
    }
    let keepOpen: boolean
    try {
      keepOpen = this.#protocol.eofReceived()
    } catch (error) {
      this.#callbackFailed('eofReceived', error)
      return
    }
    if (!keepOpen) {
      this.close()
    }
  }

  handleError(error: Error): void {
    this.#error ??= error
  }

  handleClose(): void {
    clearTimeout(this.#lingerTimer)
    this.#reportLost()
  }

  /** Calls `connectionLost` once: when the socket closes, or when a lingering close begins. */
  #reportLost(): void {
    if (this.#lost) {
      return
    }
    this.#lost = true
    this.#closing = true
    const error = this.#error
    try {
      this.#protocol.connectionLost(error)
    } catch (thrown) {
      this.#callbackFailed('connectionLost', thrown)
    }
    this.#hooks.onLost?.(this)
  }

  handleIdle(): void {
    if (this.#lingerTimer !== undefined) {
      // Closed by us already, and the peer went quiet: no reason to wait longer, no error.
      this.#socket.destroy()
      return
    }
    this.#error ??= new IdleTimeoutError(this.#hooks.idleTimeout ?? 0)
    this.abort()
  }

  handleFlushed(): void {
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
    this.#lingerTimer = setTimeout(stopLingering, lingerTimeout, socket)
    this.#lingerTimer.unref()
    socket.unref()
    this.#reportLost()
  }

  // --- write flow control (FlowControlListener) ---

  onPauseWriting(): void {
    this.#notifyFlow('pauseWriting')
  }

  onResumeWriting(): void {
    this.#notifyFlow('resumeWriting')
  }

  /** Passed to every socket write: the one closure a transport needs, since Node calls it bare. */
  readonly #onChunkWritten = (): void => {
    this.#writer.completed()
    // An aborted or failed socket drops its buffer: that is no reason to resume writing.
    if (!this.#lost && !this.#socket.destroyed) {
      this.#flow.update(this.#socket.writableLength)
    }
  }

  // --- helpers ---

  /** Hands an owned chunk to the protocol, or holds it while reading is paused. */
  #deliver(chunk: Buffer): void {
    if (!this.#reading) {
      ;(this.#held ??= []).push(chunk)
      return
    }
    if (this.#buffered) {
      this.#feedBufferedProtocol(chunk)
      return
    }
    try {
      ;(this.#protocol as StreamProtocolCallbacks).dataReceived(chunk)
    } catch (error) {
      this.#callbackFailed('dataReceived', error)
    }
  }

  /** Asks the buffered protocol for memory; reports and aborts when it gives none. */
  #getProtocolBuffer(sizeHint: number): Uint8Array | undefined {
    try {
      return checkProtocolBuffer((this.#protocol as BufferedProtocolCallbacks).getBuffer(sizeHint))
    } catch (error) {
      this.#callbackFailed('getBuffer', error)
      return undefined
    }
  }

  /** Copies a chunk into the memory a buffered protocol provides, as many times as it takes. */
  #feedBufferedProtocol(chunk: Buffer): void {
    const protocol = this.#protocol as BufferedProtocolCallbacks
    let offset = 0
    while (offset < chunk.length) {
      if (this.#closing) {
        return
      }
      if (!this.#reading) {
        ;(this.#held ??= []).unshift(chunk.subarray(offset))
        return
      }
      const remaining = chunk.length - offset
      const buffer = this.#getProtocolBuffer(remaining)
      if (buffer === undefined) {
        return
      }
      const size = Math.min(buffer.length, remaining)
      buffer.set(chunk.subarray(offset, offset + size))
      offset += size
      try {
        protocol.bufferUpdated(size)
      } catch (error) {
        this.#callbackFailed('bufferUpdated', error)
        return
      }
    }
  }

  /**
   * Stops delivering data for good. The socket itself goes on reading, discarding, until it is
   * destroyed: bytes left unread in the kernel would make the close a reset (RST), and the peer
   * could then lose what we flushed to it.
   */
  #stopReading(): void {
    this.#held = undefined
    this.#socket.resume()
  }

  #dropWrite(): void {
    this.#droppedWrites += 1
    const warning = droppedWritesWarning(this.#droppedWrites, this.#peer)
    if (warning !== undefined) {
      this.#hooks.onWarning(warning)
    }
  }

  #notifyFlow(name: 'pauseWriting' | 'resumeWriting'): void {
    if (this.#lost) {
      return
    }
    try {
      this.#protocol[name]?.()
    } catch (error) {
      this.#callbackFailed(name, error)
    }
  }

  /** Reports a callback's error once; aborts unless the callback was about flow or the end. */
  #callbackFailed(name: ProtocolCallbackName, thrown: unknown): void {
    const fatal = reportCallbackError(name, this.#peer, thrown, this.#hooks.onError)
    if (fatal !== undefined) {
      this.#error ??= fatal
      this.abort()
    }
  }
}
