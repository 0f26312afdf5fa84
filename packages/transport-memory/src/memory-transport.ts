import {
  checkProtocolBuffer,
  checkWriteData,
  droppedWritesWarning,
  isBufferedProtocol,
  reportCallbackError,
  transportSymbol,
  WriteAfterEofError,
  WriteFlowControl,
  type AnyProtocol,
  type BufferedProtocolCallbacks,
  type ExtraInfo,
  type FlowControlListener,
  type ProtocolCallbackName,
  type StreamProtocolCallbacks,
  type Transport,
  type TransportAddress,
  type WriteBufferLimits,
} from '@wirekit/protocol-core'
import type { Pipe } from './pipe.ts'

/** What a memory transport needs from its pair. */
export interface MemoryTransportHooks {
  readonly onError: (error: Error) => void
  readonly onWarning: (message: string) => void
  /** Something new can be delivered: the pair's pump should run. */
  readonly wake: () => void
}

/**
 * One end of a memory connection. It writes into `outgoing` and its pair's pump feeds it from
 * `incoming`; every protocol callback but `connectionMade` and the flow ones is called by the
 * pump, so none is ever re-entrant.
 */
export class MemoryTransport implements Transport, FlowControlListener {
  readonly [transportSymbol] = true as const
  readonly #outgoing: Pipe
  readonly #incoming: Pipe
  readonly #hooks: MemoryTransportHooks
  readonly #flow: WriteFlowControl
  readonly #local: TransportAddress
  readonly #remote: TransportAddress
  readonly #peer: string
  #protocol!: AnyProtocol
  #buffered = false
  #reading = true
  #closing = false
  #aborted = false
  #eofWritten = false
  #lost = false
  #droppedWrites = 0
  /** Why the connection ended, for `connectionLost`: the first reset or callback error. */
  #error: Error | undefined

  constructor(
    protocol: AnyProtocol,
    pipes: { readonly outgoing: Pipe; readonly incoming: Pipe },
    addresses: { readonly local: TransportAddress; readonly remote: TransportAddress },
    hooks: MemoryTransportHooks,
    limits: Partial<WriteBufferLimits> | undefined,
  ) {
    this.#outgoing = pipes.outgoing
    this.#incoming = pipes.incoming
    this.#local = addresses.local
    this.#remote = addresses.remote
    this.#peer = `${addresses.remote.address} port ${addresses.remote.port}`
    this.#hooks = hooks
    this.setProtocol(protocol)
    this.#flow = new WriteFlowControl(this)
    if (limits !== undefined) {
      this.#flow.setLimits(limits, 0)
    }
  }

  // --- BaseTransport ---

  close(): void {
    if (this.#closing) {
      return
    }
    this.#closing = true
    this.#outgoing.end()
    this.#hooks.wake()
  }

  isClosing(): boolean {
    return this.#closing
  }

  getExtraInfo<TKey extends keyof ExtraInfo>(name: TKey): ExtraInfo[TKey] | undefined
  getExtraInfo<TKey extends keyof ExtraInfo, TDefault>(
    name: TKey,
    defaultValue: TDefault,
  ): ExtraInfo[TKey] | TDefault
  getExtraInfo(name: string, defaultValue?: unknown): unknown
  getExtraInfo(name: string, defaultValue?: unknown): unknown {
    switch (name) {
      case 'peername':
        return this.#remote
      case 'sockname':
        return this.#local
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
    this.#reading = false
  }

  resumeReading(): void {
    if (this.#closing || this.#reading) {
      return
    }
    this.#reading = true
    this.#hooks.wake()
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
    // A copy: the caller may change its array as soon as write() returns.
    this.#outgoing.push(new Uint8Array(data))
    this.#flow.update(this.#outgoing.size)
    this.#hooks.wake()
  }

  writeLines(chunks: Iterable<Uint8Array>): void {
    const list = Array.from(chunks)
    for (const chunk of list) {
      checkWriteData('writeLines', chunk)
    }
    if (this.#eofWritten) {
      throw new WriteAfterEofError()
    }
    for (const chunk of list) {
      this.write(chunk)
    }
  }

  writeEof(): void {
    if (this.#eofWritten || this.#closing) {
      return
    }
    this.#eofWritten = true
    this.#outgoing.end()
    this.#hooks.wake()
  }

  canWriteEof(): boolean {
    return true
  }

  abort(): void {
    if (this.#lost || this.#aborted) {
      return
    }
    this.#closing = true
    this.#aborted = true
    this.#outgoing.clear()
    this.#outgoing.end()
    this.#hooks.wake()
  }

  getWriteBufferSize(): number {
    return this.#lost ? 0 : this.#outgoing.size
  }

  getWriteBufferLimits(): WriteBufferLimits {
    return this.#flow.limits
  }

  setWriteBufferLimits(limits?: Partial<WriteBufferLimits>): void {
    this.#flow.setLimits(limits, this.getWriteBufferSize())
  }

  // --- write flow control (FlowControlListener) ---

  onPauseWriting(): void {
    this.#notifyFlow('pauseWriting')
  }

  onResumeWriting(): void {
    this.#notifyFlow('resumeWriting')
  }

  // --- called by the pair's pump ---

  /** `true` while delivered bytes would reach the protocol. */
  get accepting(): boolean {
    return this.#reading && !this.#closing
  }

  /** `true` once bytes sent here are dropped: the transport is closing or lost. */
  get discarding(): boolean {
    return this.#closing
  }

  /** `true` once `connectionLost` has been called. */
  get lost(): boolean {
    return this.#lost
  }

  /** Calls `connectionMade`; the pair calls this once, right after construction. */
  start(): void {
    try {
      this.#protocol.connectionMade(this)
    } catch (error) {
      this.#callbackFailed('connectionMade', error)
    }
  }

  /** Some of the bytes written here were delivered or dropped: the buffer shrank. */
  outgoingShrank(): void {
    // An aborted transport dropped its buffer: that is no reason to resume writing.
    if (!this.#aborted && !this.#lost) {
      this.#flow.update(this.#outgoing.size)
    }
  }

  /**
   * Hands an owned chunk to the protocol.
   * @returns The bytes a buffered protocol did not take because it paused reading meanwhile.
   */
  receive(chunk: Uint8Array): Uint8Array | undefined {
    if (!this.#buffered) {
      try {
        ;(this.#protocol as StreamProtocolCallbacks).dataReceived(chunk)
      } catch (error) {
        this.#callbackFailed('dataReceived', error)
      }
      return undefined
    }
    const protocol = this.#protocol as BufferedProtocolCallbacks
    let offset = 0
    while (offset < chunk.length && !this.#closing) {
      if (!this.#reading) {
        return chunk.subarray(offset)
      }
      const remaining = chunk.length - offset
      const buffer = this.#getProtocolBuffer(remaining)
      if (buffer === undefined) {
        return undefined
      }
      const size = Math.min(buffer.length, remaining)
      buffer.set(chunk.subarray(offset, offset + size))
      offset += size
      try {
        protocol.bufferUpdated(size)
      } catch (error) {
        this.#callbackFailed('bufferUpdated', error)
        return undefined
      }
    }
    return undefined
  }

  /** The peer's EOF: asks the protocol whether to keep the write side open. */
  receiveEof(): void {
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

  /** The connection was reset: everything is dropped and `connectionLost` gets `error`. */
  reset(error: Error): void {
    if (this.#lost) {
      return
    }
    this.#error ??= error
    this.#closing = true
    this.#aborted = true
    this.#outgoing.clear()
  }

  /** Calls `connectionLost` when the transport is done: aborted, flushed after close, or both sides ended. */
  finishIfDone(): boolean {
    if (this.#lost) {
      return false
    }
    const flushed = this.#outgoing.size === 0
    const done = this.#closing
      ? this.#aborted || flushed
      : this.#eofWritten && flushed && this.#incoming.eofDelivered
    if (!done) {
      return false
    }
    this.#lost = true
    this.#closing = true
    try {
      this.#protocol.connectionLost(this.#error)
    } catch (thrown) {
      this.#callbackFailed('connectionLost', thrown)
    }
    return true
  }

  // --- helpers ---

  /** Asks the buffered protocol for memory; reports and aborts when it gives none. */
  #getProtocolBuffer(sizeHint: number): Uint8Array | undefined {
    try {
      return checkProtocolBuffer((this.#protocol as BufferedProtocolCallbacks).getBuffer(sizeHint))
    } catch (error) {
      this.#callbackFailed('getBuffer', error)
      return undefined
    }
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
