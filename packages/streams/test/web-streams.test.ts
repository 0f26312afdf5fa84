import { afterEach, describe, expect, it } from 'vitest'
import { toReadableStream, toWritableStream } from '../src/index.ts'
import { bytes, closeAll, harnesses, pattern, resetConnection, sha256, text } from './helpers.ts'

afterEach(closeAll)

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  for await (const chunk of stream) {
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

describe.each(harnesses)('WHATWG streams over $name', (harness) => {
  it('reader.readable yields the bytes, then closes at EOF', async () => {
    const { client, server } = await harness.connect()
    expect(client.reader.readable).toBe(client.reader.readable)
    server.writer.write(bytes('one '))
    server.writer.write(bytes('two'))
    server.writer.writeEof()
    expect(text(await collect(client.reader.readable))).toBe('one two')
  })

  it('the readable errors with the connection error', async () => {
    const { client, server } = await harness.connect()
    const read = collect(toReadableStream(client.reader))
    resetConnection(server)
    await expect(read).rejects.toMatchObject({ code: 'ECONNRESET' })
  })

  it('cancelling the readable aborts the connection', async () => {
    const { client, server } = await harness.connect()
    await client.reader.readable.cancel()
    expect(client.transport.isClosing()).toBe(true)
    expect(await server.reader.read()).toHaveLength(0)
  })

  it('writer.writable writes, and closing it sends EOF', async () => {
    const { client, server } = await harness.connect()
    expect(client.writer.writable).toBe(client.writer.writable)
    const sink = client.writer.writable.getWriter()
    await sink.write(bytes('abc'))
    await sink.write(bytes('def'))
    await sink.close()
    expect(text(await server.reader.read())).toBe('abcdef')
    // Half-closed only: the client still receives.
    server.writer.write(bytes('back'))
    expect(text(await client.reader.readExactly(4))).toBe('back')
  })

  it('aborting the writable aborts the transport', async () => {
    const { client, server } = await harness.connect()
    await toWritableStream(client.writer).abort(new Error('stop'))
    expect(client.transport.isClosing()).toBe(true)
    expect(await server.reader.read()).toHaveLength(0)
  })

  it('pipes 16 MiB byte-exact with backpressure on both sides', async () => {
    const limit = 16 * 1024
    const chunkSize = 64 * 1024
    const { client, server } = await harness.connect({ limit })
    const data = pattern(16 * 1024 * 1024, 11)
    const high = client.transport.getWriteBufferLimits().high
    let offset = 0
    let largestWriteBuffer = 0
    const source = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          largestWriteBuffer = Math.max(largestWriteBuffer, client.transport.getWriteBufferSize())
          if (offset >= data.length) {
            controller.close()
            return
          }
          controller.enqueue(data.slice(offset, offset + chunkSize))
          offset += chunkSize
        },
      },
      { highWaterMark: 0 },
    )

    let serverPausedReading = false
    let first = true
    const received: Uint8Array[] = []
    const sink = new WritableStream<Uint8Array>({
      async write(chunk) {
        received.push(chunk)
        if (first) {
          first = false
          // Hold the first chunk until the server's reader has paused its transport and the
          // client's transport has paused its producer.
          const consumed = server.tap.received - server.reader.bufferedSize
          await server.tap.whenReceived(consumed + 2 * limit + 1)
          serverPausedReading = !server.transport.isReading()
          await client.tap.whenEvent('pauseWriting')
        }
      },
    })

    await Promise.all([source.pipeTo(client.writer.writable), server.reader.readable.pipeTo(sink)])
    expect(serverPausedReading).toBe(true)
    expect(client.tap.events).toContain('pauseWriting')
    // Without backpressure the whole transfer would have piled up in the write buffer.
    expect(largestWriteBuffer).toBeLessThanOrEqual(high + chunkSize)
    const all = Buffer.concat(received)
    expect(all.length).toBe(data.length)
    expect(sha256(all)).toBe(sha256(data))
  })
})
