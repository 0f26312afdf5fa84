import type { Transport } from '@wirekit/protocol-core'
import { abortError, checkSignal, throwIfAborted } from './abort-signal.ts'
import { ByteQueue } from './byte-queue.ts'
import { IncompleteReadError, LimitOverrunError } from './errors.ts'
import { resolveLimit, type ReadOptions, type StreamReaderOptions } from './options.ts'
import { toReadableStream } from './web-streams.ts'

const EMPTY = new Uint8Array(0)
const encoder = new TextEncoder()

function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1 && parts[0] !== undefined) {
    return parts[0]
  }
  const out = new Uint8Array(total)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

function checkSize(method: string, n: unknown): number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
    throw new TypeError(`${method}() takes an integer size, got ${String(n)}`)
  }
  return n
}

function toSeparator(separator: Uint8Array | string): Uint8Array {
  const bytes = typeof separator === 'string' ? encoder.encode(separator) : separator
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) {
    throw new RangeError('the separator must be at least one byte long')
  }
  return bytes
}

interface Waiter {
  readonly resolve: () => void
  readonly reject: (error: Error) => void
}

/** The signal of a read's options, checked; the read rejects at once when it is aborted. */
function readSignal(options: ReadOptions | undefined): AbortSignal | undefined {
  const signal = checkSignal(options?.signal)
  throwIfAborted(signal)
  return signal
}

/**
 * The receiving side of a connection, read with promises (asyncio's `StreamReader`).
 *
 * Its protocol feeds it (`feedData`, `feedEof`, `setException`); reads take from its buffer and
 * wait for more when needed. One read at a time: a read started while another waits for data
 * throws. Received chunks are kept as they came, so buffering never copies and a separator is
 * searched only in the bytes that arrived since the last search.
 *
 * Flow control: while more than twice `limit` bytes are buffered, reading is paused on the
 * transport; it resumes once reads bring the buffer down to `limit` or below.
 *
 * Every read takes an optional `{ signal }` to cancel it (see {@link ReadOptions}): a cancelled
 * read consumes nothing.
 *
 * @example
 * ```ts
 * const line = await reader.readLine() // up to and including '\n'; empty at EOF
 * const header = await reader.readExactly(4)
 * const reply = await reader.readLine({ signal: AbortSignal.timeout(5000) })
 * for await (const chunk of reader) console.log(chunk.length)
 * ```
 */
export class StreamReader implements AsyncIterable<Uint8Array> {
  /** The buffer limit in bytes (see {@link StreamReaderOptions.limit}). */
  readonly limit: number
  readonly #buffer = new ByteQueue()
  #eof = false
  #exception: Error | undefined
  #waiter: Waiter | undefined
  #transport: Transport | undefined
  #paused = false
  #readable: ReadableStream<Uint8Array> | undefined

  /**
   * @param options - The buffer limit.
   * @throws RangeError when `limit` is not a positive integer.
   */
  constructor(options: StreamReaderOptions = {}) {
    this.limit = resolveLimit(options.limit)
  }

  /** The transport being read, once the protocol has set it; used to pause and resume reading. */
  get transport(): Transport | undefined {
    return this.#transport
  }

  /**
   * This reader as a WHATWG `ReadableStream` (the same one on every access). See
   * {@link toReadableStream}. Do not mix reads from it with reads from this reader.
   */
  get readable(): ReadableStream<Uint8Array> {
    this.#readable ??= toReadableStream(this)
    return this.#readable
  }

  /** The error the connection was lost with, if any. */
  exception(): Error | undefined {
    return this.#exception
  }

  /** `true` once EOF was received and every buffered byte has been read. */
  atEof(): boolean {
    return this.#eof && this.#buffer.size === 0
  }

  /** The number of bytes received and not yet read. */
  get bufferedSize(): number {
    return this.#buffer.size
  }

  // --- fed by the protocol ---

  /** Called by the protocol with the transport, to pause and resume reading. */
  setTransport(transport: Transport): void {
    this.#transport = transport
  }

  /** Called by the protocol with each chunk received (kept, not copied). */
  feedData(data: Uint8Array): void {
    if (data.length === 0) {
      return
    }
    this.#buffer.push(data)
    this.#wake(undefined)
    this.#maybePauseTransport()
  }

  /** Called by the protocol when the peer has finished sending. */
  feedEof(): void {
    this.#eof = true
    this.#wake(undefined)
  }

  /** Called by the protocol when the connection failed: pending and later reads reject with `error`. */
  setException(error: Error): void {
    this.#exception = error
    this.#wake(error)
  }

  // --- reads ---

  /**
   * Reads up to `n` bytes: what is buffered (at most `n`), waiting for data only when nothing is.
   * With `n` < 0, reads until EOF and returns everything.
   * @param n - The most bytes to return; -1 (the default) for everything until EOF.
   * @param options - A signal to cancel the read.
   * @returns The bytes; empty at EOF (or when `n` is 0).
   * @throws {@link AbortError} when the signal aborts (with `read(-1)`, the bytes taken so far
   *   are put back).
   * @throws The connection's error once it was lost with one.
   */
  async read(n = -1, options?: ReadOptions): Promise<Uint8Array> {
    checkSize('read', n)
    const signal = readSignal(options)
    this.#throwIfFailed()
    if (n === 0) {
      return EMPTY
    }
    if (n < 0) {
      return await this.#readToEof(signal)
    }
    if (this.#buffer.size === 0 && !this.#eof) {
      await this.#waitForData('read', signal)
    }
    const data = this.#buffer.take(Math.min(n, this.#buffer.size))
    this.#maybeResumeTransport()
    return data
  }

  /**
   * Reads exactly `n` bytes.
   * @param n - How many bytes.
   * @param options - A signal to cancel the read.
   * @throws {@link IncompleteReadError} when EOF comes first; its `partial` holds the bytes read.
   * @throws RangeError when `n` is negative.
   * @throws {@link AbortError} when the signal aborts; the bytes stay buffered.
   * @throws The connection's error once it was lost with one.
   */
  async readExactly(n: number, options?: ReadOptions): Promise<Uint8Array> {
    checkSize('readExactly', n)
    if (n < 0) {
      throw new RangeError(`readExactly() size cannot be negative, got ${n}`)
    }
    const signal = readSignal(options)
    this.#throwIfFailed()
    if (n === 0) {
      return EMPTY
    }
    while (this.#buffer.size < n) {
      if (this.#eof) {
        throw new IncompleteReadError(this.#buffer.takeAll(), n)
      }
      await this.#waitForData('readExactly', signal)
    }
    const data = this.#buffer.take(n)
    this.#maybeResumeTransport()
    return data
  }

  /**
   * Reads up to and including `separator`.
   *
   * When the separator is not found within `limit` bytes, throws {@link LimitOverrunError} and
   * leaves the data buffered; at EOF without it, throws {@link IncompleteReadError} with what was
   * buffered (now consumed).
   * @param separator - The bytes to stop after; a string is UTF-8 encoded.
   * @param options - A signal to cancel the read.
   * @throws RangeError for an empty separator.
   * @throws {@link AbortError} when the signal aborts; the bytes stay buffered.
   * @throws The connection's error once it was lost with one.
   */
  async readUntil(
    separator: Uint8Array | string = '\n',
    options?: ReadOptions,
  ): Promise<Uint8Array> {
    const sep = toSeparator(separator)
    const signal = readSignal(options)
    this.#throwIfFailed()
    const limit = this.limit
    // Positions before `offset` were searched already: each wait searches only the new bytes.
    let offset = 0
    let found: number
    for (;;) {
      const size = this.#buffer.size
      if (size - offset >= sep.length) {
        found = this.#buffer.indexOf(sep, offset)
        if (found !== -1) {
          break
        }
        offset = size + 1 - sep.length
        if (offset > limit) {
          throw new LimitOverrunError('separator not found, and the data exceeds the limit', offset)
        }
      }
      if (this.#eof) {
        throw new IncompleteReadError(this.#buffer.takeAll(), undefined)
      }
      await this.#waitForData('readUntil', signal)
    }
    if (found > limit) {
      throw new LimitOverrunError(
        'separator found, but the data before it exceeds the limit',
        found,
      )
    }
    const data = this.#buffer.take(found + sep.length)
    this.#maybeResumeTransport()
    return data
  }

  /**
   * Reads one line, up to and including `'\n'` (asyncio's `readline`). At EOF, returns the
   * partial last line, or an empty array when nothing is left.
   * @throws {@link LimitOverrunError} when the line is longer than the limit: the line (up to its
   *   `'\n'` when buffered, else everything buffered) is discarded first.
   * @param options - A signal to cancel the read.
   * @throws {@link AbortError} when the signal aborts; the bytes stay buffered.
   * @throws The connection's error once it was lost with one.
   */
  async readLine(options?: ReadOptions): Promise<Uint8Array> {
    try {
      return await this.readUntil('\n', options)
    } catch (error) {
      if (error instanceof IncompleteReadError) {
        return error.partial
      }
      if (error instanceof LimitOverrunError) {
        const newline = encoder.encode('\n')
        if (this.#buffer.indexOf(newline, error.consumed) === error.consumed) {
          this.#buffer.take(error.consumed + newline.length)
        } else {
          this.#buffer.clear()
        }
        this.#maybeResumeTransport()
      }
      throw error
    }
  }

  /**
   * Iterates over the received chunks (each at most `limit` bytes) until EOF.
   * @example
   * ```ts
   * for await (const chunk of reader) total += chunk.length
   * ```
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array, undefined, undefined> {
    for (;;) {
      const chunk = await this.read(this.limit)
      if (chunk.length === 0) {
        return undefined
      }
      yield chunk
    }
  }

  // --- helpers ---

  /** `read(-1)`: takes as it goes (so reading is never paused), puts it all back if cancelled. */
  async #readToEof(signal: AbortSignal | undefined): Promise<Uint8Array> {
    const parts: Uint8Array[] = []
    let total = 0
    for (;;) {
      if (this.#buffer.size > 0) {
        const part = this.#buffer.takeAll()
        parts.push(part)
        total += part.length
        this.#maybeResumeTransport()
      }
      if (this.#eof) {
        return concat(parts, total)
      }
      try {
        await this.#waitForData('read', signal)
      } catch (error) {
        for (const part of parts.reverse()) {
          this.#buffer.unshift(part)
        }
        this.#maybePauseTransport()
        throw error
      }
    }
  }

  #throwIfFailed(): void {
    if (this.#exception !== undefined) {
      throw this.#exception
    }
  }

  /** Waits for `feedData`, `feedEof` or `setException`, or rejects when `signal` aborts. */
  async #waitForData(method: string, signal: AbortSignal | undefined): Promise<void> {
    if (this.#waiter !== undefined) {
      throw new Error(`${method}() called while another read is waiting for data`)
    }
    // A read that waits again (readExactly, readUntil) may find its signal aborted in between.
    throwIfAborted(signal)
    // A read may need more than is buffered while reading is paused (readExactly(n) past
    // 2 × limit): resume, or it would wait forever.
    if (this.#paused) {
      this.#paused = false
      this.#transport?.resumeReading()
    }
    let onAbort: (() => void) | undefined
    try {
      await new Promise<void>((resolve, reject) => {
        const waiter: Waiter = { resolve, reject }
        this.#waiter = waiter
        if (signal !== undefined) {
          onAbort = () => {
            if (this.#waiter === waiter) {
              this.#waiter = undefined
            }
            reject(abortError(signal))
          }
          signal.addEventListener('abort', onAbort, { once: true })
        }
      })
    } finally {
      if (onAbort !== undefined) {
        signal?.removeEventListener('abort', onAbort)
      }
    }
  }

  #wake(error: Error | undefined): void {
    const waiter = this.#waiter
    if (waiter === undefined) {
      return
    }
    this.#waiter = undefined
    if (error === undefined) {
      waiter.resolve()
    } else {
      waiter.reject(error)
    }
  }

  #maybePauseTransport(): void {
    if (this.#transport !== undefined && !this.#paused && this.#buffer.size > 2 * this.limit) {
      this.#paused = true
      this.#transport.pauseReading()
    }
  }

  #maybeResumeTransport(): void {
    if (this.#paused && this.#buffer.size <= this.limit) {
      this.#paused = false
      this.#transport?.resumeReading()
    }
  }
}
