import {
  checkProtocolBuffer,
  checkWriteData,
  DEFAULT_HIGH_WATER_MARK,
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
  type WriteBufferLimits,
} from '@wirekit/protocol-core'

/** What a {@link StreamTransport} needs besides its I/O. */
export interface StreamTransportOptions {
  /** Told of every error a protocol callback throws (a `ProtocolCallbackError`). */
  readonly onError: (error: Error) => void
  /** Told of harmless misuse, such as writes that keep coming after a close. */
  readonly onWarning: (message: string) => void
  /** The water marks the transport starts with; the defaults when left out. */
  readonly writeBufferLimits?: Partial<WriteBufferLimits> | undefined
  /** Who the connection is with, for messages: `127.0.0.1 port 52100`. */
  readonly peer?: string | undefined
}

// The core's yes-or-no state, one bit each of a single field: a field per flag would cost every
// connection, idle or not, 8 bytes a flag.
/** The protocol is a `BufferedProtocol`. */
const BUFFERED = 1 << 0
/** `connectionMade` was called (or another transport called it: an upgrade). */
const STARTED = 1 << 1
/** The protocol wants data (`pauseReading()` clears it). */
const READING = 1 << 2
const CLOSING = 1 << 3
const ABORTED = 1 << 4
const EOF_WRITTEN = 1 << 5
const EOF_RECEIVED = 1 << 6
/** The peer's EOF arrived while data was held or reading paused: it comes after them. */
const EOF_HELD = 1 << 7
/** `connectionLost` was called, or the connection was handed over. */
const LOST = 1 << 8
/** `finish()` was asked for inside a callback: it runs once the callback has returned. */
const FINISH_DUE = 1 << 9
/** A microtask will deliver what was held. */
const DRAIN_SCHEDULED = 1 << 10
const DRAIN_REQUESTED = 1 << 11

/** `true` when two views start at the same byte of the same memory. */
function sameStart(a: Uint8Array, b: Uint8Array): boolean {
  return a.buffer === b.buffer && a.byteOffset === b.byteOffset
}

/** An owned copy of the first `length` bytes of `view`. */
function copyOf(view: Uint8Array, length: number): Uint8Array {
  const copy = new Uint8Array(length)
  copy.set(view.subarray(0, length))
  return copy
}

/**
 * The connection core: the state machine of a stream transport (asyncio's `_SelectorTransport`
 * and `_FlowControlMixin`), written once for every wirekit transport. A transport extends it and
 * supplies only its I/O, through the abstract `io*` methods; it reports what its I/O sees through
 * the protected `receive*`, `readBuffer`/`readLanded`, `writeProgress`, `fail` and `finish` methods.
 *
 * What the core guarantees, whatever the I/O:
 * - call order: `connectionMade` once and first; data (or `getBuffer`/`bufferUpdated`), at most one
 *   `eofReceived` after the last data, then `connectionLost` exactly once and last, never
 *   re-entrant (a `close()` or `abort()` inside a callback leads to it after the callback returned);
 * - reading: nothing is delivered while paused or once closing; data that arrives while paused is
 *   held and delivered, in order, after `resumeReading()` (never from inside that call), before the
 *   I/O reads again; an EOF waits behind held data;
 * - a buffered protocol is asked for memory only after `connectionMade`, only while reading, and
 *   only when bytes are about to land: when the I/O reads straight into protocol memory, the buffer
 *   is asked for again when the read completed, and the bytes are moved there if the protocol
 *   returns other memory by then, so a protocol that empties its buffer later never sees stale bytes;
 * - writing: `write()` checks its argument, throws after `writeEof()`, drops (and warns about) data
 *   after a close, and drives `pauseWriting`/`resumeWriting` from the I/O's own buffer size;
 * - errors: a callback that throws is reported once and aborts only this connection (flow and
 *   `connectionLost` callbacks are reported only); the first error is what `connectionLost` gets.
 *
 * @typeParam TExtraInfo - The keys {@link StreamTransport.getExtraInfo} knows.
 * @example
 * ```ts
 * class PipeTransport extends StreamTransport {
 *   protected ioStartReading(): void { this.pipe.resume() }
 *   // ... the other io* methods
 * }
 * ```
 */
export abstract class StreamTransport<TExtraInfo extends ExtraInfo = ExtraInfo>
  implements Transport<TExtraInfo>, FlowControlListener
{
  readonly #options: StreamTransportOptions
  /**
   * Made when first needed: until limits are set or the write buffer passes the default high-water
   * mark, it would do nothing (an idle connection is spared it).
   */
  #flow: WriteFlowControl | undefined
  #protocol!: AnyProtocol
  /** The yes-or-no state: the flags above, a bit each. */
  #state: number = READING
  #droppedWrites = 0
  /** How many protocol callbacks are running (nested through writes and flow notifications). */
  #depth = 0
  /** Why the connection ended, for `connectionLost`: the first I/O or callback error. */
  #error: Error | undefined
  /** Received chunks (owned) waiting for `resumeReading()`, oldest first. */
  #held: Uint8Array[] | undefined
  /** The protocol memory handed to the I/O for its next read, by {@link StreamTransport.readBuffer}. */
  #lent: Uint8Array | undefined

  /**
   * @param protocol - The protocol to drive; its `connectionMade` runs on {@link StreamTransport.start}.
   * @param options - Error and warning handlers, water marks, the peer's label.
   */
  constructor(protocol: AnyProtocol, options: StreamTransportOptions) {
    this.#options = options
    if (options.writeBufferLimits !== undefined) {
      this.#flowControl().setLimits(options.writeBufferLimits, 0)
    }
    this.setProtocol(protocol)
  }

  /** The brand `isTransport()` checks (on the prototype, so that no connection keeps a copy). */
  // eslint-disable-next-line @typescript-eslint/class-literal-property-style -- a field costs every connection a slot
  get [transportSymbol](): true {
    return true
  }

  /**
   * Who the connection is with, for messages (`127.0.0.1 port 52100`): the `peer` option by
   * default. Asked only when a message is made, so a transport may work it out then instead of
   * giving every connection its label up front (and may share one options object between its
   * connections).
   */
  protected describePeer(): string | undefined {
    return this.#options.peer
  }

  // --- the I/O a transport supplies ---

  /** Starts reading, or reads again after {@link StreamTransport.ioStopReading}. Delivers nothing from inside the call. */
  protected abstract ioStartReading(): void
  /** Stops reading from the peer (its sends then back up) until {@link StreamTransport.ioStartReading}. */
  protected abstract ioStopReading(): void
  /** Sends a copy of `data` (never empty) after what was sent before. */
  protected abstract ioWrite(data: Uint8Array): void
  /** Sends copies of `chunks` (none empty), in order, as one batch where the I/O can. */
  protected abstract ioWriteAll(chunks: readonly Uint8Array[]): void
  /** Bytes written and not yet handed to the system (asyncio's `get_write_buffer_size()`). */
  protected abstract ioWriteBufferSize(): number
  /** Sends EOF once everything written before has left; reading goes on. */
  protected abstract ioWriteEof(): void
  /**
   * Closes gracefully: what arrives from now on is discarded (and must still be read, so that the
   * close is not a reset), what is buffered is flushed, EOF is sent, then the transport calls
   * {@link StreamTransport.finish}.
   */
  protected abstract ioClose(): void
  /** Drops what is buffered and closes at once; the transport then calls {@link StreamTransport.finish}. */
  protected abstract ioAbort(): void
  /** The transport's extra information under `name`, or `undefined`. */
  protected abstract ioExtraInfo(name: string): unknown

  // --- what the transport's I/O reports ---

  /**
   * Calls `connectionMade`, then starts reading unless the protocol paused. The transport calls this
   * once, when the connection is ready.
   */
  start(): void {
    this.#set(STARTED)
    this.#depth += 1
    try {
      this.#protocol.connectionMade(this)
    } catch (error) {
      this.#callbackFailed('connectionMade', error)
    } finally {
      this.#leaveCallback()
    }
    this.#readAgain()
  }

  /** Bytes from the peer, owned by the transport's caller from now on (never empty). */
  protected receive(chunk: Uint8Array): void {
    if (this.#is(CLOSING)) {
      return
    }
    if (!this.#is(READING) || this.#held !== undefined || !this.#is(STARTED)) {
      ;(this.#held ??= []).push(chunk)
      return
    }
    this.#deliver(chunk)
  }

  /**
   * The memory for the I/O's next read, for an I/O that reads into memory it is given: a buffered
   * protocol's own memory when it may be asked for it now, else `scratch` (the transport's own read
   * buffer). Pass what lands there to {@link StreamTransport.readLanded}.
   */
  protected readBuffer(scratch: Uint8Array): Uint8Array {
    this.#lent = undefined
    if (this.#is(BUFFERED) && this.#is(STARTED) && this.isReading() && this.#held === undefined) {
      const buffer = this.#askForBuffer(scratch.length)
      if (buffer !== undefined && this.isReading()) {
        this.#lent = buffer
        return buffer
      }
    }
    return scratch
  }

  /**
   * `nread` bytes were read at the start of `buffer`, which {@link StreamTransport.readBuffer}
   * returned.
   * @returns `true` when the bytes were taken (they had landed in protocol memory, or they were
   *   moved from scratch memory into a buffered protocol's); `false` when they are in the
   *   transport's scratch memory and no buffered protocol takes them now: the transport then
   *   passes an owned copy to {@link StreamTransport.receive}.
   */
  protected readLanded(nread: number, buffer: Uint8Array): boolean {
    const lent = this.#lent
    this.#lent = undefined
    if (this.#is(CLOSING)) {
      return true
    }
    if (buffer !== lent) {
      if (
        !this.#is(BUFFERED) ||
        !this.#is(STARTED) ||
        !this.isReading() ||
        this.#held !== undefined
      ) {
        return false
      }
      // The I/O chose its scratch memory for this read while reading was paused (it picks the next
      // read's memory right after a read): move the bytes into the protocol's memory from there,
      // rather than through an owned copy of up to a whole scratch buffer per pause.
      this.#feed(buffer.subarray(0, nread), undefined, 'borrowed')
      return true
    }
    if (!this.#is(BUFFERED) || !this.isReading() || this.#held !== undefined) {
      // The protocol changed or paused since: the bytes go the ordinary way.
      this.receive(copyOf(lent, nread))
      return true
    }
    // Time has passed since the buffer was given: ask again where the bytes belong now.
    const current = this.#askForBuffer(nread)
    if (current === undefined) {
      return true
    }
    // The same view again (a protocol that reuses one buffer) took the read whole: no need to look
    // at its memory, whose getters cost more than the rest of a read's bookkeeping.
    if (current === lent || (sameStart(current, lent) && current.length >= nread)) {
      this.#bufferUpdated(nread)
    } else {
      this.#feed(copyOf(lent, nread), current)
    }
    return true
  }

  /** The peer sent EOF (it will send nothing more). */
  protected receiveEof(): void {
    if (this.#is(CLOSING) || this.#is(EOF_RECEIVED)) {
      return
    }
    if (!this.#is(READING) || this.#held !== undefined || !this.#is(STARTED)) {
      this.#set(EOF_HELD)
      return
    }
    this.#deliverEof()
  }

  /** Some of what was written has left: the write buffer shrank. */
  protected writeProgress(): void {
    // An aborted transport dropped its buffer: that is no reason to resume writing.
    if (!this.#is(ABORTED) && !this.#is(LOST)) {
      this.#updateFlow(this.ioWriteBufferSize())
    }
  }

  /** Remembers why the connection is ending, for `connectionLost`, without acting on it. */
  protected recordError(error: Error): void {
    this.#error ??= error
  }

  /** The connection failed (a reset, a timeout): aborts it; `connectionLost` gets `error`. */
  protected fail(error: Error): void {
    this.#error ??= error
    this.abort()
  }

  /**
   * The connection is over: calls `connectionLost` with the first recorded error, once. Inside a
   * protocol callback, it waits for the callback to return.
   */
  protected finish(): void {
    if (this.#is(LOST)) {
      return
    }
    if (this.#depth > 0) {
      this.#set(FINISH_DUE)
      return
    }
    this.#set(LOST)
    this.#set(CLOSING)
    this.#held = undefined
    this.#lent = undefined
    try {
      this.#protocol.connectionLost(this.#error)
    } catch (thrown) {
      reportCallbackError('connectionLost', this.describePeer(), thrown, this.#options.onError)
    }
    this.onFinished()
  }

  /**
   * Continues a connection whose protocol was made and given `connectionMade` by another transport
   * (after an upgrade such as STARTTLS): reading starts, `connectionMade` is not called again. The
   * transport calls this instead of {@link StreamTransport.start}.
   */
  continueConnection(): void {
    this.#set(STARTED)
    this.#readAgain()
  }

  /**
   * Stops this transport for a hand-over to another one (an upgrade): it is closing from now on
   * (writes are dropped, with the usual warning), delivers nothing more, and stops reading.
   * @returns The bytes received and not delivered yet, oldest first: the next transport's first
   *   bytes.
   */
  protected suspendForHandOver(): Uint8Array[] {
    const held = this.#held ?? []
    this.#set(CLOSING)
    this.#unset(READING)
    this.#dropReceived()
    this.ioStopReading()
    return held
  }

  /**
   * The connection goes on in another transport: this one is over without a `connectionLost` (the
   * protocol's connection is not lost).
   */
  protected handedOver(): void {
    if (this.#is(LOST)) {
      return
    }
    this.#set(LOST)
    this.onFinished()
  }

  /** Called once, right after `connectionLost`: a transport releases what it holds here. */
  protected onFinished(): void {
    // Nothing to release by default.
  }

  /** `true` once `connectionLost` has been called. */
  protected get finished(): boolean {
    return this.#is(LOST)
  }

  /** `true` once `abort()` was called or the connection failed. */
  protected get aborted(): boolean {
    return this.#is(ABORTED)
  }

  /** The error the connection is ending with, once one was recorded or it failed. */
  protected get recordedError(): Error | undefined {
    return this.#error
  }

  /**
   * Tells the protocol that the server that accepted the connection is draining (its optional
   * `drainRequested`), once; the callback-error policy applies. Nothing happens once closing.
   */
  requestDrain(): void {
    if (this.#is(CLOSING) || this.#is(DRAIN_REQUESTED)) {
      return
    }
    this.#set(DRAIN_REQUESTED)
    this.#depth += 1
    try {
      this.#protocol.drainRequested?.()
    } catch (error) {
      this.#callbackFailed('drainRequested', error)
    } finally {
      this.#leaveCallback()
    }
  }

  /** `true` between a `pauseWriting` and the next `resumeWriting`. */
  isWritingPaused(): boolean {
    return this.#flow?.paused ?? false
  }

  // --- BaseTransport ---

  close(): void {
    if (this.#is(CLOSING)) {
      return
    }
    this.#set(CLOSING)
    this.#dropReceived()
    this.ioClose()
  }

  isClosing(): boolean {
    return this.#is(CLOSING)
  }

  getExtraInfo<TKey extends keyof TExtraInfo>(name: TKey): TExtraInfo[TKey] | undefined
  getExtraInfo<TKey extends keyof TExtraInfo, TDefault>(
    name: TKey,
    defaultValue: TDefault,
  ): TExtraInfo[TKey] | TDefault
  getExtraInfo(name: string, defaultValue?: unknown): unknown
  getExtraInfo(name: string, defaultValue?: unknown): unknown {
    const value = this.ioExtraInfo(name)
    return value === undefined ? defaultValue : value
  }

  setProtocol(protocol: AnyProtocol): void {
    this.#protocol = protocol
    this.#setTo(BUFFERED, isBufferedProtocol(protocol))
  }

  getProtocol(): AnyProtocol {
    return this.#protocol
  }

  // --- ReadTransport ---

  isReading(): boolean {
    return this.#is(READING) && !this.#is(CLOSING)
  }

  pauseReading(): void {
    if (this.#is(CLOSING) || !this.#is(READING)) {
      return
    }
    this.#unset(READING)
    this.ioStopReading()
  }

  resumeReading(): void {
    if (this.#is(CLOSING) || this.#is(READING)) {
      return
    }
    this.#set(READING)
    this.#readAgain()
  }

  // --- WriteTransport ---

  write(data: Uint8Array): void {
    checkWriteData('write', data)
    if (this.#is(EOF_WRITTEN)) {
      throw new WriteAfterEofError()
    }
    // A Uint8Array's length is its byte count, and cheaper to read than byteLength on Node 20
    // (15 ns against 5: its V8 does not inline the byteLength getter; later ones do).
    if (data.length === 0) {
      return
    }
    if (this.#is(CLOSING)) {
      this.#dropWrite()
      return
    }
    this.ioWrite(data)
    this.#updateFlow(this.ioWriteBufferSize())
  }

  writeLines(chunks: Iterable<Uint8Array>): void {
    const list = Array.from(chunks)
    for (const chunk of list) {
      checkWriteData('writeLines', chunk)
    }
    if (this.#is(EOF_WRITTEN)) {
      throw new WriteAfterEofError()
    }
    const withBytes = list.filter((chunk) => chunk.byteLength > 0)
    if (this.#is(CLOSING)) {
      withBytes.forEach(() => {
        this.#dropWrite()
      })
      return
    }
    if (withBytes.length > 0) {
      this.ioWriteAll(withBytes)
      this.#updateFlow(this.ioWriteBufferSize())
    }
  }

  writeEof(): void {
    if (this.#is(EOF_WRITTEN) || this.#is(CLOSING)) {
      return
    }
    this.#set(EOF_WRITTEN)
    this.ioWriteEof()
  }

  canWriteEof(): boolean {
    return true
  }

  abort(): void {
    if (this.#is(LOST) || this.#is(ABORTED)) {
      return
    }
    this.#set(CLOSING)
    this.#set(ABORTED)
    this.#dropReceived()
    this.ioAbort()
  }

  getWriteBufferSize(): number {
    // An aborted transport has dropped its buffer, whatever the I/O still reports.
    return this.#is(LOST) || this.#is(ABORTED) ? 0 : this.ioWriteBufferSize()
  }

  getWriteBufferLimits(): WriteBufferLimits {
    return this.#flowControl().limits
  }

  setWriteBufferLimits(limits?: Partial<WriteBufferLimits>): void {
    this.#flowControl().setLimits(limits, this.getWriteBufferSize())
  }

  // --- write flow control (FlowControlListener) ---

  /** @internal Called by the flow control: the buffer went above the high-water mark. */
  onPauseWriting(): void {
    this.#notifyFlow('pauseWriting')
  }

  /** @internal Called by the flow control: the buffer drained to the low-water mark. */
  onResumeWriting(): void {
    this.#notifyFlow('resumeWriting')
  }

  // --- delivery ---

  /** Hands an owned chunk to the protocol, which is reading and holds nothing back. */
  #deliver(chunk: Uint8Array): void {
    if (this.#is(BUFFERED)) {
      this.#feed(chunk, undefined)
      return
    }
    this.#depth += 1
    try {
      ;(this.#protocol as StreamProtocolCallbacks).dataReceived(chunk)
    } catch (error) {
      this.#callbackFailed('dataReceived', error)
    } finally {
      this.#leaveCallback()
    }
  }

  /**
   * Copies a chunk into the memory a buffered protocol gives, as many times as it takes; `first` is
   * memory it gave already for these bytes. Holds the rest if the protocol pauses: the rest itself
   * when the chunk is owned, a copy of it when the chunk is `'borrowed'` (the I/O's scratch memory,
   * read into again by the next read).
   */
  #feed(
    chunk: Uint8Array,
    first: Uint8Array | undefined,
    memory: 'owned' | 'borrowed' = 'owned',
  ): void {
    let offset = 0
    let buffer = first
    while (offset < chunk.length) {
      if (this.#is(CLOSING)) {
        return
      }
      if (!this.#is(READING)) {
        const rest = chunk.subarray(offset)
        ;(this.#held ??= []).unshift(memory === 'owned' ? rest : copyOf(rest, rest.length))
        return
      }
      const remaining = chunk.length - offset
      buffer ??= this.#askForBuffer(remaining)
      if (buffer === undefined) {
        return
      }
      const size = Math.min(buffer.length, remaining)
      buffer.set(chunk.subarray(offset, offset + size))
      offset += size
      buffer = undefined
      if (!this.#bufferUpdated(size)) {
        return
      }
    }
  }

  /** Lets the I/O read, once what was held is delivered (never from inside the caller's stack). */
  #readAgain(): void {
    if (!this.isReading()) {
      return
    }
    if (this.#held === undefined && !this.#is(EOF_HELD)) {
      this.ioStartReading()
    } else if (!this.#is(DRAIN_SCHEDULED)) {
      this.#set(DRAIN_SCHEDULED)
      queueMicrotask(() => {
        this.#drainHeld()
      })
    }
  }

  /** Delivers what was held while paused, then the held EOF, then lets the I/O read again. */
  #drainHeld(): void {
    this.#unset(DRAIN_SCHEDULED)
    let chunk: Uint8Array | undefined
    while (this.isReading() && (chunk = this.#held?.shift()) !== undefined) {
      if (this.#held?.length === 0) {
        this.#held = undefined
      }
      this.#deliver(chunk)
    }
    if (!this.isReading() || this.#held !== undefined) {
      return
    }
    if (this.#is(EOF_HELD)) {
      this.#unset(EOF_HELD)
      this.#deliverEof()
      return
    }
    this.ioStartReading()
  }

  #deliverEof(): void {
    this.#set(EOF_RECEIVED)
    let keepOpen: boolean
    this.#depth += 1
    try {
      keepOpen = this.#protocol.eofReceived()
    } catch (error) {
      this.#callbackFailed('eofReceived', error)
      return
    } finally {
      this.#leaveCallback()
    }
    if (!keepOpen) {
      this.close()
    }
  }

  /** Nothing received is delivered any more. */
  #dropReceived(): void {
    this.#held = undefined
    this.#unset(EOF_HELD)
    this.#lent = undefined
  }

  /** Asks the buffered protocol for memory; reports and aborts when it gives none. */
  #askForBuffer(sizeHint: number): Uint8Array | undefined {
    this.#depth += 1
    try {
      return checkProtocolBuffer((this.#protocol as BufferedProtocolCallbacks).getBuffer(sizeHint))
    } catch (error) {
      this.#callbackFailed('getBuffer', error)
      return undefined
    } finally {
      this.#leaveCallback()
    }
  }

  /** @returns `false` when the callback threw (the connection is aborted). */
  #bufferUpdated(nbytes: number): boolean {
    this.#depth += 1
    try {
      ;(this.#protocol as BufferedProtocolCallbacks).bufferUpdated(nbytes)
      return true
    } catch (error) {
      this.#callbackFailed('bufferUpdated', error)
      return false
    } finally {
      this.#leaveCallback()
    }
  }

  #notifyFlow(name: 'pauseWriting' | 'resumeWriting'): void {
    if (this.#is(LOST)) {
      return
    }
    this.#depth += 1
    try {
      this.#protocol[name]?.()
    } catch (error) {
      this.#callbackFailed(name, error)
    } finally {
      this.#leaveCallback()
    }
  }

  /** After every protocol callback: runs a `finish()` that came while callbacks were running. */
  #leaveCallback(): void {
    this.#depth -= 1
    if (this.#depth === 0 && this.#is(FINISH_DUE)) {
      this.#unset(FINISH_DUE)
      this.finish()
    }
  }

  #dropWrite(): void {
    this.#droppedWrites += 1
    const warning = droppedWritesWarning(this.#droppedWrites, this.describePeer())
    if (warning !== undefined) {
      this.#options.onWarning(warning)
    }
  }

  /** Reports a callback's error once; aborts unless the callback was about flow. */
  #callbackFailed(name: ProtocolCallbackName, thrown: unknown): void {
    const fatal = reportCallbackError(name, this.describePeer(), thrown, this.#options.onError)
    if (fatal !== undefined) {
      this.fail(fatal)
    }
  }

  // --- write flow control, made when first needed ---

  #flowControl(): WriteFlowControl {
    return (this.#flow ??= new WriteFlowControl(this))
  }

  #updateFlow(bufferSize: number): void {
    if (this.#flow !== undefined) {
      this.#flow.update(bufferSize)
    } else if (bufferSize > DEFAULT_HIGH_WATER_MARK) {
      // Without a flow control the limits are the defaults and writing is not paused: only a
      // buffer above the default high-water mark has something to tell.
      this.#flowControl().update(bufferSize)
    }
  }

  // --- the state's flags ---

  #is(flag: number): boolean {
    return (this.#state & flag) !== 0
  }

  #set(flag: number): void {
    this.#state |= flag
  }

  #unset(flag: number): void {
    this.#state &= ~flag
  }

  #setTo(flag: number, on: boolean): void {
    this.#state = on ? this.#state | flag : this.#state & ~flag
  }
}
