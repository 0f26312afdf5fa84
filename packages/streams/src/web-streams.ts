import type { StreamReader } from './stream-reader.ts'
import type { StreamWriter } from './stream-writer.ts'

/**
 * Wraps a reader as a WHATWG `ReadableStream` of byte chunks (each at most `reader.limit` bytes).
 *
 * Pull based, with no queue of its own (high-water mark 0): a chunk is read only when the
 * consumer asks, so a slow consumer lets the reader's buffer fill, which pauses reading on the
 * transport (and resumes it as the consumer catches up). The stream closes at EOF and errors
 * with the connection's error. Cancelling it aborts the transport: a connection cannot stop
 * receiving without ending.
 * @example
 * ```ts
 * await toReadableStream(reader).pipeTo(Writable.toWeb(process.stdout))
 * ```
 */
export function toReadableStream(reader: StreamReader): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const chunk = await reader.read(reader.limit)
        if (chunk.length === 0) {
          controller.close()
        } else {
          controller.enqueue(chunk)
        }
      },
      cancel() {
        reader.transport?.abort()
      },
    },
    { highWaterMark: 0 },
  )
}

/**
 * Wraps a writer as a WHATWG `WritableStream` of byte chunks.
 *
 * Each write waits for `writer.drain()`, so a producer piping into it is paused while the
 * transport's write buffer is above its high-water mark. Closing the stream sends EOF
 * (`writeEof()`, the connection can still receive) or, on a transport that cannot half-close,
 * closes the writer; aborting it aborts the transport.
 * @example
 * ```ts
 * await file.readable.pipeTo(toWritableStream(writer))
 * ```
 */
export function toWritableStream(writer: StreamWriter): WritableStream<Uint8Array> {
  return new WritableStream<Uint8Array>({
    async write(chunk) {
      writer.write(chunk)
      await writer.drain()
    },
    close() {
      if (writer.canWriteEof()) {
        writer.writeEof()
      } else {
        writer.close()
      }
    },
    abort() {
      writer.transport.abort()
    },
  })
}
