import { abortError, checkSignal, throwIfAborted } from './abort-signal.ts'
import type { ConnectFunction, OpenConnectionOptions } from './options.ts'
import { streamPair, type StreamPair } from './stream-pair.ts'
import { StreamReaderProtocol } from './stream-reader-protocol.ts'

/**
 * Waits for `connecting`, or rejects with an `AbortError` as soon as `signal` aborts. When the
 * signal won, the connection, if the connect function still makes one, goes to `onConnection`
 * to be aborted.
 */
async function unlessAborted(
  connecting: Promise<unknown>,
  signal: AbortSignal,
  onConnection: () => void,
): Promise<void> {
  let onAbort!: () => void
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => {
      reject(abortError(signal))
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    await Promise.race([connecting, aborted])
  } catch (error) {
    if (!signal.aborted) {
      throw error
    }
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
  // Checked once, here: an abort that came while the race settled still wins.
  if (signal.aborted) {
    connecting.then(onConnection, () => undefined)
    throw abortError(signal)
  }
}

/**
 * Opens a connection and returns its reader and writer (asyncio's `open_connection`).
 *
 * The transport is whatever `connect` uses: it receives the protocol factory to hand to the
 * transport's own connect function, so this package depends on no transport.
 *
 * With `options.signal`, aborting while the connection is being made rejects with an
 * {@link AbortError} and leaves nothing open; aborting later does nothing (see
 * {@link OpenConnectionOptions.signal}). The pair is `AsyncDisposable`: `await using` closes
 * the connection at the end of the block (as the writer's `[Symbol.asyncDispose]()` does).
 * @param connect - Calls a transport's connect function with the factory, such as
 *   `(factory) => createConnection(factory, { host, port })` of `@wirekit/transport-tcp`.
 * @param options - The reader's buffer limit and a signal to cancel the opening.
 * @returns The streams, once the connection is made.
 * @throws Whatever `connect` throws or rejects with (a `NetworkError` for TCP).
 * @throws {@link AbortError} when the signal aborts first (at once when it already has).
 * @example
 * ```ts
 * import { createConnection } from '@wirekit/transport-tcp'
 *
 * const signal = AbortSignal.timeout(5000)
 * await using connection = await openConnection(
 *   (factory) => createConnection(factory, { host: '127.0.0.1', port: 8888, signal }),
 *   { signal },
 * )
 * connection.writer.write(new TextEncoder().encode('hello\n'))
 * console.log(await connection.reader.readLine())
 * ```
 */
export async function openConnection(
  connect: ConnectFunction,
  options: OpenConnectionOptions = {},
): Promise<StreamPair> {
  if (typeof connect !== 'function') {
    throw new TypeError(
      'openConnection() takes a connect function, such as (factory) => createConnection(factory, options)',
    )
  }
  const signal = checkSignal(options.signal)
  throwIfAborted(signal)
  const { limit } = options
  const made: { protocol?: StreamReaderProtocol } = {}
  const connecting = (async () => {
    await connect(() => {
      if (made.protocol !== undefined) {
        throw new Error('openConnection(): the connect function called the protocol factory twice')
      }
      made.protocol = new StreamReaderProtocol(limit === undefined ? {} : { limit })
      return made.protocol
    })
  })()
  if (signal === undefined) {
    await connecting
  } else {
    await unlessAborted(connecting, signal, () => {
      made.protocol?.writer?.transport.abort()
    })
  }
  const protocol = made.protocol
  if (protocol?.writer === undefined) {
    throw new Error(
      'openConnection(): the connect function returned before the connection was made',
    )
  }
  return streamPair(protocol.reader, protocol.writer)
}
