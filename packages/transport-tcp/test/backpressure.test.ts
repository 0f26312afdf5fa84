import { afterEach, describe, expect, it } from 'vitest'
import type { Transport } from '@wirekit/protocol-core'
import { Cleanup, rawClient, readAll, Recorder, serveCollecting } from './helpers.ts'

const cleanup = new Cleanup()
afterEach(() => cleanup.run())

const MiB = 1024 * 1024

/** A connected server-side transport whose peer reads nothing yet. */
async function stalledPeer(): Promise<{
  transport: Transport
  protocol: Recorder
  drain: () => Promise<Buffer>
}> {
  const { server, protocols } = await serveCollecting(cleanup, () => new Recorder())
  const socket = cleanup.add(await rawClient(server), (s) => s.destroy())
  socket.pause()
  await expect.poll(() => protocols.length).toBe(1)
  const [protocol] = protocols as [Recorder]
  await protocol.waitFor('connectionMade')
  const { transport } = protocol
  if (transport === undefined) {
    throw new Error('connectionMade gave no transport')
  }
  return { transport, protocol, drain: () => readAll(socket) }
}

/**
 * Writes until the kernel takes no more, with limits too high to pause, so that from then on every
 * byte written stays in the transport's buffer and the size is exact. Bounded: 256 MiB at most.
 */
async function fillKernel(transport: Transport): Promise<void> {
  transport.setWriteBufferLimits({ high: 1024 * MiB })
  for (let i = 0; i < 256; i++) {
    transport.write(new Uint8Array(MiB))
    if (transport.getWriteBufferSize() > 0) {
      // Give the kernel a turn to take what it can; if the size stays, the pipe is full.
      await new Promise((resolve) => setImmediate(resolve))
      if (transport.getWriteBufferSize() > 0) {
        return
      }
    }
  }
  throw new Error('the kernel took 256 MiB without filling up')
}

const flowEvents = (protocol: Recorder): string[] =>
  protocol.names.filter((name) => name === 'pauseWriting' || name === 'resumeWriting')

describe('TCP transport: water marks', () => {
  it('defaults to high 64 KiB and low high/4; given only low, high = 4 × low; high < low is a RangeError', async () => {
    const { transport } = await stalledPeer()
    expect(transport.getWriteBufferLimits()).toEqual({ high: 65536, low: 16384 })
    transport.setWriteBufferLimits({ low: 1000 })
    expect(transport.getWriteBufferLimits()).toEqual({ high: 4000, low: 1000 })
    transport.setWriteBufferLimits({ high: 1000 })
    expect(transport.getWriteBufferLimits()).toEqual({ high: 1000, low: 250 })
    expect(() => transport.setWriteBufferLimits({ high: 1, low: 2 })).toThrow(RangeError)
    expect(() => transport.setWriteBufferLimits({ high: -1 })).toThrow(RangeError)
  })

  it('pauses once when the buffer goes strictly above high, not at high', async () => {
    const { transport, protocol } = await stalledPeer()
    await fillKernel(transport)
    const size = transport.getWriteBufferSize()
    transport.setWriteBufferLimits({ high: size + 100, low: 0 })
    transport.write(new Uint8Array(100))
    expect(transport.getWriteBufferSize()).toBe(size + 100)
    expect(flowEvents(protocol)).toEqual([])
    transport.write(new Uint8Array(1))
    expect(flowEvents(protocol)).toEqual(['pauseWriting'])
    transport.write(new Uint8Array(MiB))
    expect(flowEvents(protocol)).toEqual(['pauseWriting'])
  })

  it('counts writeLines exactly like write', async () => {
    const { transport, protocol } = await stalledPeer()
    await fillKernel(transport)
    const size = transport.getWriteBufferSize()
    transport.setWriteBufferLimits({ high: size + 100, low: 0 })
    transport.writeLines([new Uint8Array(60), new Uint8Array(40)])
    expect(transport.getWriteBufferSize()).toBe(size + 100)
    expect(flowEvents(protocol)).toEqual([])
    transport.writeLines([new Uint8Array(0), new Uint8Array(1)])
    expect(flowEvents(protocol)).toEqual(['pauseWriting'])
  })

  it('pauses at once when the limits are lowered below what is buffered', async () => {
    const { transport, protocol } = await stalledPeer()
    await fillKernel(transport)
    const size = transport.getWriteBufferSize()
    transport.setWriteBufferLimits({ high: size })
    expect(flowEvents(protocol)).toEqual([])
    transport.setWriteBufferLimits({ high: size - 1 })
    expect(flowEvents(protocol)).toEqual(['pauseWriting'])
  })

  it('resumes once, at low or below, after the peer reads; never resumes without a pause', async () => {
    const { transport, protocol, drain } = await stalledPeer()
    let sizeAtResume = -1
    protocol.resumeWriting = () => {
      sizeAtResume = transport.getWriteBufferSize()
      protocol.events.push({ name: 'resumeWriting' })
    }
    await fillKernel(transport)
    const size = transport.getWriteBufferSize()
    transport.setWriteBufferLimits({ high: size + 10, low: 1000 })
    transport.write(new Uint8Array(11))
    expect(flowEvents(protocol)).toEqual(['pauseWriting'])
    const received = drain()
    await expect
      .poll(() => flowEvents(protocol), { timeout: 10_000 })
      .toEqual(['pauseWriting', 'resumeWriting'])
    expect(sizeAtResume).toBeGreaterThanOrEqual(0)
    expect(sizeAtResume).toBeLessThanOrEqual(1000)
    transport.close()
    expect((await received).length).toBeGreaterThan(size)
    expect(flowEvents(protocol)).toEqual(['pauseWriting', 'resumeWriting'])
  })

  it('never calls resumeWriting when the buffer never went above high', async () => {
    const { transport, protocol, drain } = await stalledPeer()
    transport.write(new Uint8Array(1000))
    transport.close()
    expect((await drain()).length).toBe(1000)
    await protocol.waitFor('connectionLost')
    expect(flowEvents(protocol)).toEqual([])
  })
})
