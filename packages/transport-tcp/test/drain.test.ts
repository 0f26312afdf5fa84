import { afterEach, describe, expect, it } from 'vitest'
import type { Transport } from '@wirekit/protocol-core'
import { createConnection } from '../src/index.ts'
import { Cleanup, portOf, Recorder, serveCollecting } from './helpers.ts'

const cleanup = new Cleanup()
afterEach(() => cleanup.run())

/** Answers drainRequested by closing, when told to; records it either way. */
class Drainable extends Recorder {
  drainRequests = 0
  closeOnDrain = false
  drainRequested(): void {
    this.drainRequests += 1
    if (this.closeOnDrain) {
      this.transport?.close()
    }
  }
}

async function client(port: number): Promise<{ transport: Transport; protocol: Recorder }> {
  const connection = await createConnection(() => new Recorder(), { host: '127.0.0.1', port })
  cleanup.add(connection.transport, (t) => {
    t.abort()
  })
  return connection
}

describe('server.drain()', () => {
  it('stops listening, tells each protocol, and counts those that end by themselves', async () => {
    const { server, protocols } = await serveCollecting(cleanup, () => {
      const protocol = new Drainable()
      protocol.closeOnDrain = true
      return protocol
    })
    const port = portOf(server)
    const clients = await Promise.all([client(port), client(port), client(port)])
    await expect.poll(() => server.connectionCount).toBe(3)
    const result = await server.drain({ deadline: 60_000 })
    expect(result).toEqual({ ended: 3, closed: 0, aborted: 0 })
    expect(server.isServing()).toBe(false)
    expect(protocols.map((p) => p.drainRequests)).toEqual([1, 1, 1])
    for (const { protocol } of clients) {
      await protocol.waitFor('connectionLost')
    }
    await expect(
      createConnection(() => new Recorder(), { host: '127.0.0.1', port }),
    ).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    })
  })

  it('closes what is still open at the deadline, then aborts what does not end in time', async () => {
    const { server, protocols } = await serveCollecting(cleanup, () => new Drainable())
    const port = portOf(server)
    // One client reads (its connection closes cleanly at the deadline); one does not read and is
    // sent more than the kernel holds, so the close cannot flush and it is aborted.
    const reading = await client(port)
    const stuck = await client(port)
    stuck.transport.pauseReading()
    await expect.poll(() => protocols.length).toBe(2)
    const [, stuckServerSide] = protocols
    stuckServerSide?.transport?.setWriteBufferLimits({ high: 2 ** 40 })
    for (let i = 0; i < 256; i += 1) {
      stuckServerSide?.transport?.write(new Uint8Array(256 * 1024))
    }
    const result = await server.drain({ deadline: 50, closeTimeout: 200 })
    expect(result).toEqual({ ended: 0, closed: 1, aborted: 1 })
    await reading.protocol.waitFor('connectionLost')
    expect(reading.protocol.lostError).toBeUndefined()
  })

  it('aborts at once when its signal fires, and returns the same promise to a second call', async () => {
    const { server } = await serveCollecting(cleanup, () => new Drainable())
    await client(portOf(server))
    await expect.poll(() => server.connectionCount).toBe(1)
    const controller = new AbortController()
    const first = server.drain({ deadline: 60_000, signal: controller.signal })
    expect(server.drain()).toBe(first)
    controller.abort()
    expect(await first).toEqual({ ended: 0, closed: 0, aborted: 1 })
  })

  it('resolves at once with nothing open; refuses bad options', async () => {
    const { server } = await serveCollecting(cleanup, () => new Drainable())
    await expect(server.drain({ deadline: -1 })).rejects.toThrow(RangeError)
    expect(await server.drain()).toEqual({ ended: 0, closed: 0, aborted: 0 })
    await server.waitClosed()
  })

  it('aborts a connection whose drainRequested throws (the callback-error policy), counted as ended', async () => {
    const { server, protocols } = await serveCollecting(
      cleanup,
      () => {
        const protocol = new Drainable()
        protocol.drainRequested = () => {
          throw new Error('cannot drain')
        }
        return protocol
      },
      { onError: () => undefined },
    )
    const { protocol } = await client(portOf(server))
    await expect.poll(() => protocols.length).toBe(1)
    const result = await server.drain({ deadline: 60_000 })
    // The callback threw: its connection was aborted by the callback-error policy, by itself.
    expect(result).toEqual({ ended: 1, closed: 0, aborted: 0 })
    await protocol.waitFor('connectionLost')
  })
})
