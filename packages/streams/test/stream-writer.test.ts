import { afterEach, describe, expect, it } from 'vitest'
import { ConnectionLostError } from '../src/index.ts'
import { bytes, closeAll, harnesses, pattern, resetConnection, text } from './helpers.ts'

afterEach(closeAll)

/** Records when a promise settles, to check the order of events. */
function track(promise: Promise<unknown>, events: string[], name: string): Promise<void> {
  return promise.then(
    () => {
      events.push(name)
    },
    () => {
      events.push(`${name} (rejected)`)
    },
  )
}

describe.each(harnesses)('StreamWriter over $name', (harness) => {
  it('drain() resolves at once while writing is not paused', async () => {
    const { client, server } = await harness.connect()
    client.writer.write(bytes('ping'))
    await client.writer.drain()
    expect(client.tap.events).not.toContain('pauseWriting')
    expect(text(await server.reader.readExactly(4))).toBe('ping')
  })

  it('drain() waits while the peer does not read, and resolves after resumeWriting', async () => {
    const limit = 16 * 1024
    const { client, server } = await harness.connect({ limit })
    // More than the kernel buffers of a loopback connection hold, so the transport must buffer.
    const data = pattern(16 * 1024 * 1024)
    const order: string[] = []
    for (let at = 0; at < data.length; at += 256 * 1024) {
      client.writer.write(data.subarray(at, at + 256 * 1024))
    }
    expect(client.tap.events).toContain('pauseWriting')
    const drained = track(client.writer.drain(), order, 'drained')
    // The peer's reader stops its transport once it holds more than 2 × limit.
    await server.tap.whenReceived(2 * limit + 1)
    expect(server.transport.isReading()).toBe(false)
    expect(order).toEqual([])
    expect(client.transport.getWriteBufferSize()).toBeGreaterThan(
      client.transport.getWriteBufferLimits().high,
    )

    order.push('peer reads')
    const received = server.reader.readExactly(data.length)
    await client.tap.whenEvent('resumeWriting')
    order.push('resumeWriting')
    expect(client.transport.getWriteBufferSize()).toBeLessThanOrEqual(
      client.transport.getWriteBufferLimits().low,
    )
    await drained
    expect(order).toEqual(['peer reads', 'resumeWriting', 'drained'])
    expect(Buffer.from(await received).equals(Buffer.from(data))).toBe(true)
  })

  it('drain() rejects with the error the connection was lost with', async () => {
    const { client, server } = await harness.connect()
    resetConnection(server)
    const error = await client.tap.lost
    expect(error).toMatchObject({ code: 'ECONNRESET' })
    await expect(client.writer.drain()).rejects.toBe(error)
    await expect(client.writer.waitClosed()).rejects.toBe(error)
  })

  it('drain() rejects with ConnectionLostError after a clean close', async () => {
    const { client } = await harness.connect()
    client.writer.close()
    expect(client.writer.isClosing()).toBe(true)
    await client.writer.waitClosed()
    const error: unknown = await client.writer.drain().then(
      () => undefined,
      (thrown: unknown) => thrown,
    )
    expect(error).toBeInstanceOf(ConnectionLostError)
  })

  it('writeEof() half-closes: the peer reads EOF and can still answer', async () => {
    const { client, server } = await harness.connect()
    expect(client.writer.canWriteEof()).toBe(true)
    client.writer.writeLines([bytes('question'), bytes('?')])
    client.writer.writeEof()
    expect(text(await server.reader.read())).toBe('question?')
    expect(server.reader.atEof()).toBe(true)
    server.writer.write(bytes('answer'))
    server.writer.close()
    expect(text(await client.reader.read())).toBe('answer')
    await Promise.all([client.writer.waitClosed(), server.writer.waitClosed()])
  })

  it('close() flushes, then both sides see the end', async () => {
    const { client, server } = await harness.connect()
    client.writer.write(bytes('bye'))
    client.writer.close()
    expect(text(await server.reader.read())).toBe('bye')
    server.writer.close()
    await Promise.all([client.writer.waitClosed(), server.writer.waitClosed()])
    expect(client.reader.atEof()).toBe(true)
  })

  it('await using closes gracefully: the buffer is flushed, then the connection lost', async () => {
    const { client, server } = await harness.connect()
    const data = pattern(1024 * 1024, 3)
    const received = server.reader.read() // everything, until EOF
    {
      await using writer = client.writer
      writer.write(data)
    }
    // The dispose returned only once the connection was lost.
    expect(client.tap.events).toContain('connectionLost')
    expect(Buffer.from(await received).equals(Buffer.from(data))).toBe(true)
  })

  it('disposing of a writer already closing waits for its end; of one lost, resolves', async () => {
    const { client, server } = await harness.connect()
    client.writer.write(pattern(256 * 1024))
    client.writer.close()
    const received = server.reader.read()
    await client.writer[Symbol.asyncDispose]()
    expect(client.tap.events).toContain('connectionLost')
    expect(await received).toHaveLength(256 * 1024)
    await expect(client.writer[Symbol.asyncDispose]()).resolves.toBeUndefined()

    const other = await harness.connect()
    resetConnection(other.server)
    expect(await other.client.tap.lost).toMatchObject({ code: 'ECONNRESET' })
    await expect(other.client.writer.waitClosed()).rejects.toThrow()
    await expect(other.client.writer[Symbol.asyncDispose]()).resolves.toBeUndefined()
  })

  it('disposing rejects with the error the connection is lost with while it closes', async () => {
    const { client, server } = await harness.connect({ limit: 16 * 1024 })
    // More than the peer and the kernel take while the peer does not read: the close must wait.
    for (let at = 0; at < 16; at++) {
      client.writer.write(pattern(1024 * 1024, at + 1))
    }
    const disposing = client.writer[Symbol.asyncDispose]().then(
      () => undefined,
      (thrown: unknown) => thrown,
    )
    expect(client.writer.isClosing()).toBe(true)
    resetConnection(server)
    const error = await client.tap.lost
    expect(error).toBeInstanceOf(Error)
    expect(await disposing).toBe(error)
  })

  it('gives the transport and its extra information', async () => {
    const { client, server } = await harness.connect()
    expect(client.writer.transport).toBe(client.transport)
    expect(client.writer.getExtraInfo('peername')).toEqual(server.writer.getExtraInfo('sockname'))
    expect(client.writer.getExtraInfo('no such key', 'fallback')).toBe('fallback')
  })
})
