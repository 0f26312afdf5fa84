import { describe, expect, it } from 'vitest'
import { createMemoryPair } from '../src/index.ts'
import { bytes, Log } from './recorder.ts'

/** 4,000 bytes that show their order: a shifted, lost or repeated byte changes the text. */
const PAYLOAD = Array.from({ length: 1000 }, (_, i) => String(i % 10_000).padStart(4, '0')).join('')

function chunkSizes(log: Log): number[] {
  return log.chunks.map((chunk) => chunk.length)
}

describe('memory pair: re-chunking', () => {
  it('splits the stream at seeded boundaries from 1 byte to maxChunkSize, losing nothing', () => {
    const pair = createMemoryPair(
      () => new Log(),
      () => new Log(),
      { rechunk: { seed: 42, maxChunkSize: 7 } },
    )
    pair.client.transport.write(bytes(PAYLOAD))
    pair.client.transport.writeEof()
    pair.flush()
    const sizes = chunkSizes(pair.server.protocol)
    expect(pair.server.protocol.received).toBe(PAYLOAD)
    expect(Math.min(...sizes)).toBe(1)
    expect(Math.max(...sizes)).toBe(7)
    expect(pair.server.protocol.names.at(-2)).toBe('eofReceived')
  })

  it('gives the same boundaries for the same seed and others for another seed', () => {
    const run = (seed: number): number[] => {
      const pair = createMemoryPair(
        () => new Log(),
        () => new Log(),
        { rechunk: { seed } },
      )
      pair.client.transport.write(bytes(PAYLOAD))
      pair.flush()
      expect(pair.server.protocol.received).toBe(PAYLOAD)
      return chunkSizes(pair.server.protocol)
    }
    expect(run(7)).toEqual(run(7))
    expect(run(7)).not.toEqual(run(8))
  })

  it('re-chunks across writes: one delivery may hold the end of one write and the start of the next', () => {
    const pair = createMemoryPair(
      () => new Log(),
      () => new Log(),
      { rechunk: { seed: 3, maxChunkSize: 16 } },
    )
    for (let i = 0; i < 100; i += 1) {
      pair.client.transport.write(bytes('ab'))
    }
    pair.flush()
    expect(pair.server.protocol.received).toBe('ab'.repeat(100))
    expect(Math.max(...chunkSizes(pair.server.protocol))).toBeGreaterThan(2)
  })
})

describe('memory pair: a slow reader', () => {
  it('delivers at most maxBytesPerStep per step, so the writer pauses and resumes at its water marks', () => {
    const pair = createMemoryPair(
      () => new Log(),
      () => new Log(),
      { maxBytesPerStep: 100, client: { writeBufferLimits: { high: 1000, low: 200 } } },
    )
    const client = pair.client
    client.transport.write(new Uint8Array(1001))
    expect(client.protocol.names).toEqual(['connectionMade', 'pauseWriting'])
    pair.step()
    expect(pair.server.protocol.receivedLength()).toBe(100)
    expect(client.transport.getWriteBufferSize()).toBe(901)
    for (let step = 0; step < 7; step += 1) {
      pair.step()
    }
    expect(client.transport.getWriteBufferSize()).toBe(201)
    expect(client.protocol.names).not.toContain('resumeWriting')
    pair.step()
    expect(client.transport.getWriteBufferSize()).toBe(101)
    expect(client.protocol.names).toEqual(['connectionMade', 'pauseWriting', 'resumeWriting'])
    pair.flush()
    expect(pair.server.protocol.receivedLength()).toBe(1001)
  })

  it('keeps everything in the writer’s buffer while the reader has paused reading', () => {
    const pair = createMemoryPair(
      () => new Log(),
      () => new Log(),
    )
    pair.server.transport.pauseReading()
    pair.client.transport.write(bytes('held'))
    expect(pair.flush()).toBe(0)
    expect(pair.client.transport.getWriteBufferSize()).toBe(4)
    pair.server.transport.resumeReading()
    pair.flush()
    expect(pair.server.protocol.received).toBe('held')
    expect(pair.client.transport.getWriteBufferSize()).toBe(0)
  })
})

describe('memory pair: a reset in the middle of a transfer', () => {
  it('delivers exactly resetAfterBytes, then both sides lose the connection with ECONNRESET', () => {
    const pair = createMemoryPair(
      () => new Log(),
      () => new Log(),
      { resetAfterBytes: 1500, rechunk: { seed: 1, maxChunkSize: 64 } },
    )
    pair.client.transport.write(bytes(PAYLOAD))
    pair.flush()
    expect(pair.done).toBe(true)
    expect(pair.server.protocol.received).toBe(PAYLOAD.slice(0, 1500))
    for (const end of [pair.server, pair.client]) {
      expect(end.protocol.names.at(-1)).toBe('connectionLost')
      expect(end.protocol.names).not.toContain('eofReceived')
      expect(end.protocol.lostError).toMatchObject({ code: 'ECONNRESET' })
    }
    pair.client.transport.write(bytes('after'))
    expect(pair.client.transport.getWriteBufferSize()).toBe(0)
  })

  it('reset() breaks the connection now, whatever is buffered', () => {
    const pair = createMemoryPair(
      () => new Log(),
      () => new Log(),
    )
    pair.client.transport.write(bytes('never delivered'))
    pair.reset()
    pair.flush()
    expect(pair.server.protocol.names).toEqual(['connectionMade', 'connectionLost'])
    expect(pair.server.protocol.lostError).toMatchObject({ code: 'ECONNRESET' })
    expect(pair.client.protocol.lostError).toMatchObject({ code: 'ECONNRESET' })
  })
})

describe('memory pair: an early EOF', () => {
  it('ends the stream towards one side after afterBytes; the rest is dropped, the other way still flows', () => {
    const pair = createMemoryPair(
      () => new Log(),
      () => new Log(),
      { earlyEof: { to: 'server', afterBytes: 10 } },
    )
    pair.server.protocol.keepOpenOnEof = true
    pair.client.transport.write(bytes('0123456789 and the rest'))
    pair.flush()
    expect(pair.server.protocol.received).toBe('0123456789')
    expect(pair.server.protocol.names).toEqual(['connectionMade', 'dataReceived', 'eofReceived'])
    expect(pair.client.transport.getWriteBufferSize()).toBe(0)
    pair.server.transport.write(bytes('reply'))
    pair.flush()
    expect(pair.client.protocol.received).toBe('reply')
    pair.server.transport.close()
    pair.flush()
    expect(pair.done).toBe(true)
  })
})
