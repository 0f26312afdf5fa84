import { afterEach, describe, expect, it } from 'vitest'
import {
  ConnectionLostError,
  startServer,
  type StreamReader,
  type StreamWriter,
} from '../src/index.ts'
import {
  bytes,
  closeAll,
  connectTCP,
  listenTCP,
  pattern,
  text,
  writeLoop,
  type WriteLoopEnd,
} from './helpers.ts'

afterEach(closeAll)

/** The echo server of the PyMOTW asyncio example, written with streams. */
async function echo(reader: StreamReader, writer: StreamWriter): Promise<void> {
  for await (const chunk of reader) {
    writer.write(chunk)
    await writer.drain()
  }
  writer.close()
  await writer.waitClosed()
}

describe('startServer', () => {
  it('serves an echo server to several clients at once', async () => {
    const { port } = await listenTCP(echo)
    const clients = await Promise.all([connectTCP(port), connectTCP(port), connectTCP(port)])
    await Promise.all(
      clients.map(async ({ reader, writer }, index) => {
        const lines = ['This is the message. ', 'It will be sent ', `in parts (${index}).`]
        for (const line of lines) {
          writer.write(bytes(`${line}\n`))
          expect(text(await reader.readLine())).toBe(`${line}\n`)
        }
        writer.writeEof()
        expect(await reader.read()).toHaveLength(0)
        await writer.waitClosed()
      }),
    )
  })

  it('echoes 4 MiB byte-exact while the client writes and reads at once', async () => {
    const { port } = await listenTCP(echo, { limit: 8 * 1024 })
    const { reader, writer } = await connectTCP(port)
    const data = pattern(4 * 1024 * 1024, 5)
    const sending = (async () => {
      for (let at = 0; at < data.length; at += 100_000) {
        writer.write(data.subarray(at, at + 100_000))
        await writer.drain()
      }
      writer.writeEof()
    })()
    const [echoed] = await Promise.all([reader.read(), sending])
    expect(Buffer.from(echoed).equals(Buffer.from(data))).toBe(true)
  })

  it("ends a handler's write/drain loop when the server runs close() and closeClients()", async () => {
    // The loop of issue 9: the server closes its clients while a handler writes as fast as
    // drain() lets it. Capped, so that a drain() resolving at once forever fails the test.
    const cap = 100_000
    let loopEnded!: (end: WriteLoopEnd) => void
    const ended = new Promise<WriteLoopEnd>((resolve) => {
      loopEnded = resolve
    })
    const { server, port } = await listenTCP(async (_reader, writer) => {
      loopEnded(await writeLoop(writer, pattern(64 * 1024), cap))
    })
    const client = await connectTCP(port)
    const received = client.reader.read() // everything, until the close ends it
    await client.tap.whenReceived(1024 * 1024)
    server.close()
    server.closeClients()
    const end = await ended
    expect(end.error).toBeInstanceOf(ConnectionLostError)
    expect(end.iterations).toBeLessThan(cap)
    expect((await received).length).toBeGreaterThanOrEqual(1024 * 1024)
    await server.waitClosed()
  })

  it('reports a handler error, aborts that connection only and keeps serving', async () => {
    const reported: unknown[] = []
    const { port } = await listenTCP(
      async (reader, writer) => {
        const line = text(await reader.readLine())
        if (line === 'throw\n') {
          throw new Error('handler failed')
        }
        writer.write(bytes(`ok ${line}`))
        writer.close()
      },
      { onError: (error) => reported.push(error) },
    )
    const failing = await connectTCP(port)
    const working = await connectTCP(port)
    failing.writer.write(bytes('throw\n'))
    expect(await failing.reader.read()).toHaveLength(0) // aborted by the server
    expect(reported).toHaveLength(1)
    expect(reported[0]).toMatchObject({ message: 'handler failed' })
    working.writer.write(bytes('fine\n'))
    expect(text(await working.reader.read())).toBe('ok fine\n')
  })

  it('reports a handler that throws synchronously', async () => {
    const reported: unknown[] = []
    const { port } = await listenTCP(
      () => {
        throw new TypeError('at once')
      },
      { onError: (error) => reported.push(error) },
    )
    const client = await connectTCP(port)
    expect(await client.reader.read()).toHaveLength(0)
    expect(reported).toEqual([new TypeError('at once')])
  })

  it('returns what the listen function returned', async () => {
    const made: unknown[] = []
    const factory = await startServer(echo, (protocolFactory) => protocolFactory)
    made.push(factory())
    expect(made[0]).toHaveProperty('reader')
  })

  it('refuses a missing handler or listen function, and a bad limit', async () => {
    // @ts-expect-error -- a caller without types
    await expect(startServer(undefined, () => undefined)).rejects.toThrow(TypeError)
    // @ts-expect-error -- a caller without types
    await expect(startServer(echo, 5)).rejects.toThrow(TypeError)
    await expect(startServer(echo, () => undefined, { limit: -1 })).rejects.toThrow(RangeError)
  })
})
