import type {
  BufferedProtocolCallbacks,
  ProtocolCallbackName,
  StreamProtocolCallbacks,
  Transport,
} from '@wirekit/protocol-core'

/**
 * The name of a callback a {@link RecordingProtocol} records: every stream protocol callback but
 * the buffered path's, which is recorded as `dataReceived`.
 */
export type RecordedCallback = Exclude<
  ProtocolCallbackName,
  'getBuffer' | 'bufferUpdated' | 'datagramReceived' | 'errorReceived'
>

/**
 * One callback as the protocol saw it. For a buffered recorder, each `bufferUpdated` is recorded
 * as a `dataReceived` of the bytes it delivered, so both receive paths compare alike.
 */
export interface RecordedEvent {
  /** The callback. */
  readonly name: RecordedCallback
  /** For `dataReceived`: an owned copy of the bytes. */
  readonly data?: Uint8Array
  /** For `connectionLost`: the error it was given. */
  readonly error?: Error | undefined
  /** For `pauseWriting`/`resumeWriting`: the transport's write-buffer size at that moment. */
  readonly bufferSize?: number
}

/**
 * What a test makes a recorder do in a callback, after the callback has been recorded. A hook may
 * throw: the error escapes to the transport, as a faulty protocol's would.
 */
export interface RecorderHooks {
  connectionMade?(transport: Transport): void
  dataReceived?(data: Uint8Array): void
  /** Returns what `eofReceived` returns; without this hook, {@link RecordingProtocol.keepOpenOnEof}. */
  eofReceived?(): boolean
  connectionLost?(error: Error | undefined): void
  pauseWriting?(): void
  resumeWriting?(): void
}

interface Waiter {
  readonly test: () => boolean
  readonly resolve: () => void
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const total = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0)
  const out = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.byteLength
  }
  return out
}

/**
 * A protocol that records every callback in order, checks the call order as it goes, and lets a
 * test await what it expects instead of sleeping.
 *
 * Order violations (a callback before `connectionMade` or after `connectionLost`, a second
 * `connectionMade`/`eofReceived`/`connectionLost`, data after EOF, data while the protocol has
 * paused reading through {@link RecordingProtocol.pauseReading}, data or EOF once its transport is
 * closing, `connectionLost` inside another callback, an empty chunk, a resume without a pause)
 * are collected in {@link RecordingProtocol.violations} rather than thrown, so that the transport
 * under test is not disturbed; the suite asserts the list is empty after every test.
 *
 * @example
 * ```ts
 * const server = new RecordingProtocol({ dataReceived: (data) => server.transport?.write(data) })
 * // ... connect it ...
 * await server.waitFor('eofReceived')
 * expect(server.received()).toEqual(sent)
 * ```
 */
export class RecordingProtocol implements StreamProtocolCallbacks {
  /** The transport given to `connectionMade` (or to {@link RecordingProtocol.adopt}). */
  transport: Transport | undefined
  /** Every callback so far, oldest first. */
  readonly events: RecordedEvent[] = []
  /** Every breach of the call order seen so far. */
  readonly violations: string[] = []
  /** What `eofReceived` returns when there is no hook: `false` lets the transport close. */
  keepOpenOnEof = false
  /** What the callbacks do besides recording; may be replaced at any time. */
  hooks: RecorderHooks
  #depth = 0
  #readingPaused = false
  readonly #waiters: Waiter[] = []

  /** @param hooks - What the callbacks do besides recording. */
  constructor(hooks: RecorderHooks = {}) {
    this.hooks = hooks
  }

  /** The names of the callbacks so far, oldest first. */
  names(): RecordedCallback[] {
    return this.events.map((event) => event.name)
  }

  /** How many times `name` has been called. */
  count(name: RecordedCallback): number {
    return this.events.filter((event) => event.name === name).length
  }

  /** Every byte received so far, in order, as one array. */
  received(): Uint8Array {
    return concat(this.events.flatMap((event) => (event.data === undefined ? [] : [event.data])))
  }

  /** The number of bytes received so far. */
  receivedLength(): number {
    return this.events.reduce((sum, event) => sum + (event.data?.byteLength ?? 0), 0)
  }

  /** The `connectionLost` event, once it has come. */
  lost(): RecordedEvent | undefined {
    return this.events.find((event) => event.name === 'connectionLost')
  }

  /** The transport, which must have been given by now. */
  get t(): Transport {
    const transport = this.transport
    if (transport === undefined) {
      throw new Error('the transport has not called connectionMade yet')
    }
    return transport
  }

  /** Takes over a transport handed on with `setProtocol`: no `connectionMade` is expected then. */
  adopt(transport: Transport): void {
    this.transport = transport
    this.events.push({ name: 'connectionMade' })
  }

  /** Pauses reading on the transport, and from now on counts any data received as a violation. */
  pauseReading(): void {
    this.t.pauseReading()
    this.#readingPaused = true
  }

  /** Allows data again, then resumes reading on the transport (which may deliver at once). */
  resumeReading(): void {
    this.#readingPaused = false
    this.t.resumeReading()
  }

  /** Resolves once `test` holds; it is checked now and after every callback. */
  until(test: () => boolean): Promise<void> {
    if (test()) {
      return Promise.resolve()
    }
    return new Promise((resolve) => this.#waiters.push({ test, resolve }))
  }

  /** Resolves once `name` has been called `count` times (default once). */
  waitFor(name: RecordedCallback, count = 1): Promise<void> {
    return this.until(() => this.count(name) >= count)
  }

  /** Resolves once at least `size` bytes have been received in all. */
  waitForBytes(size: number): Promise<void> {
    return this.until(() => this.receivedLength() >= size)
  }

  connectionMade(transport: Transport): void {
    if (this.events.length > 0) {
      this.violations.push(`connectionMade after ${this.names().join(', ')}`)
    }
    this.transport = transport
    this.#enter('connectionMade', {})
    this.#run(() => this.hooks.connectionMade?.(transport))
  }

  dataReceived(data: Uint8Array): void {
    this.#checkData(data)
    this.#enter('dataReceived', { data: data.slice() })
    this.#run(() => this.hooks.dataReceived?.(data))
  }

  eofReceived(): boolean {
    this.#checkReading('eofReceived')
    if (this.count('eofReceived') > 0) {
      this.violations.push('a second eofReceived')
    }
    this.#enter('eofReceived', {})
    return this.#run(() => this.hooks.eofReceived?.() ?? this.keepOpenOnEof)
  }

  connectionLost(error: Error | undefined): void {
    if (this.#depth > 0) {
      this.violations.push('connectionLost called inside another callback')
    }
    this.#enter('connectionLost', { error })
    this.#run(() => this.hooks.connectionLost?.(error))
  }

  pauseWriting(): void {
    const paused = this.count('pauseWriting') - this.count('resumeWriting')
    if (paused !== 0) {
      this.violations.push('pauseWriting while already paused')
    }
    this.#enter('pauseWriting', { bufferSize: this.transport?.getWriteBufferSize() ?? -1 })
    this.#run(() => this.hooks.pauseWriting?.())
  }

  resumeWriting(): void {
    const paused = this.count('pauseWriting') - this.count('resumeWriting')
    if (paused !== 1) {
      this.violations.push('resumeWriting without a pauseWriting')
    }
    this.#enter('resumeWriting', { bufferSize: this.transport?.getWriteBufferSize() ?? -1 })
    this.#run(() => this.hooks.resumeWriting?.())
  }

  /** Checks what every received chunk must satisfy, whichever receive path brought it. */
  protected checkData(data: Uint8Array): void {
    this.#checkData(data)
  }

  /** Records a chunk that arrived through the buffered path, as `dataReceived` would. */
  protected recordData(data: Uint8Array, hook: () => void): void {
    this.#enter('dataReceived', { data })
    this.#run(hook)
  }

  #checkData(data: Uint8Array): void {
    this.#checkReading('dataReceived')
    if (data.byteLength === 0) {
      this.violations.push('an empty dataReceived')
    }
    if (this.#readingPaused) {
      this.violations.push('dataReceived after pauseReading()')
    }
    if (this.count('eofReceived') > 0) {
      this.violations.push('dataReceived after eofReceived')
    }
  }

  #checkReading(name: RecordedCallback): void {
    if (this.transport?.isClosing() === true) {
      this.violations.push(`${name} while the transport is closing`)
    }
  }

  #enter(name: RecordedCallback, details: Omit<RecordedEvent, 'name'>): void {
    if (this.lost() !== undefined) {
      this.violations.push(`${name} after connectionLost`)
    } else if (name !== 'connectionMade' && this.events.length === 0) {
      this.violations.push(`${name} before connectionMade`)
    }
    this.events.push({ name, ...details })
  }

  /** Runs a hook inside the callback, then wakes the waiters whose condition now holds. */
  #run<T>(hook: () => T): T {
    this.#depth += 1
    try {
      return hook()
    } finally {
      this.#depth -= 1
      this.#wake()
    }
  }

  #wake(): void {
    for (let i = this.#waiters.length - 1; i >= 0; i -= 1) {
      const waiter = this.#waiters[i]
      if (waiter?.test() === true) {
        this.#waiters.splice(i, 1)
        waiter.resolve()
      }
    }
  }
}

/** What a {@link BufferedRecordingProtocol} does in `getBuffer`/`bufferUpdated`, after recording. */
export interface BufferedRecorderHooks extends RecorderHooks {
  getBuffer?(sizeHint: number): void
  bufferUpdated?(nbytes: number): void
}

/**
 * A {@link RecordingProtocol} that receives through the buffered path (`getBuffer` and
 * `bufferUpdated`), into a small buffer of its own so that chunks are split across reads.
 *
 * @example
 * ```ts
 * const server = new BufferedRecordingProtocol(7)
 * ```
 */
export class BufferedRecordingProtocol
  extends RecordingProtocol
  implements BufferedProtocolCallbacks
{
  /** How many times `getBuffer` has been called. */
  getBufferCalls = 0
  override hooks: BufferedRecorderHooks
  readonly #buffer: Uint8Array

  /**
   * @param bufferSize - The size of the buffer handed out by `getBuffer`.
   * @param hooks - What the callbacks do besides recording.
   */
  constructor(bufferSize: number, hooks: BufferedRecorderHooks = {}) {
    super(hooks)
    this.hooks = hooks
    this.#buffer = new Uint8Array(bufferSize)
  }

  getBuffer(sizeHint: number): Uint8Array {
    this.getBufferCalls += 1
    this.hooks.getBuffer?.(sizeHint)
    return this.#buffer
  }

  bufferUpdated(nbytes: number): void {
    if (!Number.isInteger(nbytes) || nbytes <= 0 || nbytes > this.#buffer.byteLength) {
      this.violations.push(`bufferUpdated(${nbytes}) with a buffer of ${this.#buffer.byteLength}`)
    }
    const data = this.#buffer.slice(0, nbytes)
    this.checkData(data)
    this.recordData(data, () => this.hooks.bufferUpdated?.(nbytes))
  }
}
