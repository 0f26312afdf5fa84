import type { ExtraInfo, Transport } from '@wirekit/protocol-core'
import type { StreamReader } from './stream-reader.ts'
import type { StreamReaderProtocol } from './stream-reader-protocol.ts'
import { toWritableStream } from './web-streams.ts'

/** Resolves after one turn of the event loop (a macrotask: timers and I/O get to run). */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    setImmediate(resolve)
  })
}

/**
 * The sending side of a connection (asyncio's `StreamWriter`): the transport's write methods,
 * plus `drain()` to wait for its write buffer to empty and `waitClosed()` to wait for the end.
 *
 * @example
 * ```ts
 * for (const chunk of chunks) {
 *   writer.write(chunk)
 *   await writer.drain() // waits only while the transport's buffer is above its high-water mark
 * }
 * writer.close()
 * await writer.waitClosed()
 * ```
 */
export class StreamWriter implements AsyncDisposable {
  readonly #transport: Transport
  readonly #protocol: StreamReaderProtocol
  readonly #reader: StreamReader | undefined
  #writable: WritableStream<Uint8Array> | undefined

  /**
   * Made by the protocol in `connectionMade`; there is rarely a reason to make one yourself.
   * @param transport - The connection's transport.
   * @param protocol - The protocol that tracks the transport's flow control and its loss.
   * @param reader - The connection's reader, whose error `drain()` rethrows.
   */
  constructor(transport: Transport, protocol: StreamReaderProtocol, reader?: StreamReader) {
    this.#transport = transport
    this.#protocol = protocol
    this.#reader = reader
  }

  /** The transport underneath. */
  get transport(): Transport {
    return this.#transport
  }

  /**
   * This writer as a WHATWG `WritableStream` (the same one on every access). See
   * {@link toWritableStream}.
   */
  get writable(): WritableStream<Uint8Array> {
    this.#writable ??= toWritableStream(this)
    return this.#writable
  }

  /**
   * Sends bytes (the transport's `write`): never waits; follow with `await drain()` to respect
   * flow control.
   * @throws TypeError when `data` is not a `Uint8Array`; `WriteAfterEofError` after `writeEof()`.
   */
  write(data: Uint8Array): void {
    this.#transport.write(data)
  }

  /** Sends each chunk in order (the transport's `writeLines`). */
  writeLines(chunks: Iterable<Uint8Array>): void {
    this.#transport.writeLines(chunks)
  }

  /** Sends EOF once the buffer is flushed; the connection can still receive. */
  writeEof(): void {
    this.#transport.writeEof()
  }

  /** `true` when the transport supports {@link StreamWriter.writeEof}. */
  canWriteEof(): boolean {
    return this.#transport.canWriteEof()
  }

  /** Closes the connection once the buffer is flushed (the transport's `close`). */
  close(): void {
    this.#transport.close()
  }

  /** `true` once the connection is closing or closed. */
  isClosing(): boolean {
    return this.#transport.isClosing()
  }

  /**
   * Resolves once the connection is lost (asyncio's `wait_closed`).
   * @throws The error the connection was lost with, if any.
   */
  waitClosed(): Promise<void> {
    return this.#protocol.waitClosed()
  }

  /**
   * Returns optional information about the connection (the transport's `getExtraInfo`).
   * @example
   * ```ts
   * const peer = writer.getExtraInfo('peername')
   * ```
   */
  getExtraInfo<TKey extends keyof ExtraInfo>(name: TKey): ExtraInfo[TKey] | undefined
  /** Returns optional information under any key, or `defaultValue` when there is none. */
  getExtraInfo(name: string, defaultValue?: unknown): unknown
  getExtraInfo(name: string, defaultValue?: unknown): unknown {
    return this.#transport.getExtraInfo(name, defaultValue)
  }

  /**
   * Waits until it is fine to write again: resolves at once unless the transport paused writing
   * (its buffer went above the high-water mark), else once it resumes (the buffer is at or below
   * the low-water mark).
   *
   * While the transport is closing, `drain()` first yields to the event loop (one
   * `setImmediate` turn, as asyncio's `drain()` does `await sleep(0)`), so that timers and I/O
   * run and the loss of the connection can arrive: a `write(); await drain()` loop then ends
   * with a rejection instead of spinning in microtasks while every write is dropped.
   * @throws The error the connection was lost with (also when the reader has it).
   * @throws `ConnectionLostError` when the connection was lost without an error.
   */
  async drain(): Promise<void> {
    const error = this.#reader?.exception()
    if (error !== undefined) {
      throw error
    }
    if (this.#transport.isClosing()) {
      await yieldToEventLoop()
    }
    await this.#protocol.waitForDrain()
  }

  /**
   * Closes the connection gracefully and waits for its end, for `await using` (asyncio's
   * `writer.close(); await writer.wait_closed()`): the buffer is flushed, then the connection
   * is lost.
   *
   * A writer that is already closing or closed (closed by you, by the peer, or lost with an
   * error) is only waited for, and its end never makes this reject: that error belongs to the
   * reads, `drain()` and `waitClosed()`, and must not mask the error that ended the block.
   * @throws The error the connection is lost with while this closes it (a reset during the
   *   flush): the bytes may not all have arrived.
   * @example
   * ```ts
   * await using writer = protocol.streams().writer
   * writer.write(data)
   * ```
   */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#transport.isClosing()) {
      await this.#protocol.waitClosed().catch(() => undefined)
      return
    }
    this.#transport.close()
    await this.#protocol.waitClosed()
  }
}
