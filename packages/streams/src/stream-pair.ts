import type { StreamReader } from './stream-reader.ts'
import type { StreamWriter } from './stream-writer.ts'

/**
 * The two sides of a connection, as `openConnection()` and `StreamReaderProtocol.streams()`
 * give them. Disposing of the pair disposes of its writer: `await using` closes the connection
 * gracefully at the end of the block.
 * @example
 * ```ts
 * await using connection = await openConnection(connect)
 * connection.writer.write(request)
 * const reply = await connection.reader.readLine()
 * // closed here, after the buffer was flushed and the connection lost
 * ```
 */
export interface StreamPair extends AsyncDisposable {
  /** Reads what the peer sends. */
  readonly reader: StreamReader
  /** Sends to the peer. */
  readonly writer: StreamWriter
  /** Closes the connection and waits for its end (the writer's `[Symbol.asyncDispose]()`). */
  [Symbol.asyncDispose](): Promise<void>
}

/** The pair of `reader` and `writer`, disposed of through the writer. */
export function streamPair(reader: StreamReader, writer: StreamWriter): StreamPair {
  return {
    reader,
    writer,
    [Symbol.asyncDispose]: () => writer[Symbol.asyncDispose](),
  }
}
