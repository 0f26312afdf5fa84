import type { StreamProtocolCallbacks, Transport } from '@wirekit/protocol-core'
import { printHandlerError } from './default-handlers.ts'
import { ConnectionLostError } from './errors.ts'
import type { ClientConnectedHandler, StreamReaderOptions } from './options.ts'
import { streamPair, type StreamPair } from './stream-pair.ts'
import { StreamReader } from './stream-reader.ts'
import { StreamWriter } from './stream-writer.ts'

/** Options of a {@link StreamReaderProtocol}. */
export interface StreamReaderProtocolOptions extends StreamReaderOptions {
  /**
   * Called once the connection is made, with its streams (asyncio's `client_connected_cb`); run
   * after `connectionMade` returns. When it throws or rejects, the error goes to `onError` and
   * the transport is aborted.
   */
  clientConnected?: ClientConnectedHandler
  /**
   * Told of each error `clientConnected` throws or rejects with.
   * @default one line on standard error
   */
  onError?: (error: unknown) => void
}

interface DrainWaiter {
  readonly resolve: () => void
  readonly reject: (error: Error) => void
}

/**
 * The protocol between a transport and a {@link StreamReader}/{@link StreamWriter} pair (asyncio's
 * `StreamReaderProtocol` with its `FlowControlMixin`): it feeds the reader, tracks the
 * transport's write flow control for `drain()`, and records the end of the connection.
 *
 * `openConnection()` and `startServer()` make it for you; make one yourself to use streams with a
 * transport API they do not cover.
 * @example
 * ```ts
 * const { protocol } = await createConnection(() => new StreamReaderProtocol(), { port })
 * const { reader, writer } = protocol.streams()
 * ```
 */
export class StreamReaderProtocol implements StreamProtocolCallbacks {
  /** The connection's reader, fed by this protocol. */
  readonly reader: StreamReader
  readonly #clientConnected: ClientConnectedHandler | undefined
  readonly #onError: (error: unknown) => void
  readonly #closed: Promise<void>
  #resolveClosed!: () => void
  #rejectClosed!: (error: Error) => void
  #writer: StreamWriter | undefined
  #paused = false
  #lost = false
  #lostError: Error | undefined
  #drainWaiters: DrainWaiter[] = []

  /**
   * @param options - The reader's limit and an optional handler for the new connection.
   * @throws RangeError when `limit` is not a positive integer.
   */
  constructor(options: StreamReaderProtocolOptions = {}) {
    this.reader = new StreamReader(options.limit === undefined ? {} : { limit: options.limit })
    this.#clientConnected = options.clientConnected
    this.#onError = options.onError ?? printHandlerError
    this.#closed = new Promise<void>((resolve, reject) => {
      this.#resolveClosed = resolve
      this.#rejectClosed = reject
    })
    // Nobody may ever wait for the close: its error must not become an unhandled rejection.
    this.#closed.catch(() => undefined)
  }

  /** The connection's writer; `undefined` until `connectionMade`. */
  get writer(): StreamWriter | undefined {
    return this.#writer
  }

  /**
   * The reader and the writer.
   * @throws Error before `connectionMade`.
   */
  streams(): StreamPair {
    if (this.#writer === undefined) {
      throw new Error('streams() called before the connection was made')
    }
    return streamPair(this.reader, this.#writer)
  }

  /** Makes the writer, hands the transport to the reader and starts `clientConnected`, if any. */
  connectionMade(transport: Transport): void {
    this.reader.setTransport(transport)
    const writer = new StreamWriter(transport, this, this.reader)
    this.#writer = writer
    const handler = this.#clientConnected
    if (handler !== undefined) {
      const reader = this.reader
      void Promise.resolve()
        .then(() => handler(reader, writer))
        .then(undefined, (error: unknown) => {
          try {
            this.#onError(error)
          } catch {
            // An error handler that throws must not leave the connection open.
          }
          transport.abort()
        })
    }
  }

  /** Feeds the reader. */
  dataReceived(data: Uint8Array): void {
    this.reader.feedData(data)
  }

  /** Feeds EOF to the reader and keeps the write side open (the writer closes it). */
  eofReceived(): boolean {
    this.reader.feedEof()
    return true
  }

  /** Ends the reader (EOF, or the error), settles waiting drains and `waitClosed()`. */
  connectionLost(error: Error | undefined): void {
    this.#lost = true
    this.#lostError = error
    if (error === undefined) {
      this.reader.feedEof()
      this.#resolveClosed()
    } else {
      this.reader.setException(error)
      this.#rejectClosed(error)
    }
    // As asyncio: waiting drains resolve after a clean close and reject after an error.
    const waiters = this.#drainWaiters
    this.#drainWaiters = []
    this.#paused = false
    for (const waiter of waiters) {
      if (error === undefined) {
        waiter.resolve()
      } else {
        waiter.reject(error)
      }
    }
  }

  /** The transport's write buffer went above its high-water mark: `drain()` waits from now. */
  pauseWriting(): void {
    this.#paused = true
  }

  /** The transport's write buffer drained to its low-water mark: waiting `drain()` calls resolve. */
  resumeWriting(): void {
    this.#paused = false
    const waiters = this.#drainWaiters
    this.#drainWaiters = []
    for (const waiter of waiters) {
      waiter.resolve()
    }
  }

  /**
   * Resolves when writing may go on: at once unless writing is paused, else at `resumeWriting`.
   * @throws The error the connection was lost with, or {@link ConnectionLostError} after a
   *   clean loss.
   */
  waitForDrain(): Promise<void> {
    if (this.#lost) {
      return Promise.reject(this.#lostError ?? new ConnectionLostError())
    }
    if (!this.#paused) {
      return Promise.resolve()
    }
    return new Promise<void>((resolve, reject) => {
      this.#drainWaiters.push({ resolve, reject })
    })
  }

  /**
   * Resolves once the connection is lost.
   * @throws The error it was lost with, if any.
   */
  waitClosed(): Promise<void> {
    return this.#closed
  }
}
