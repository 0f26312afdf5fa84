import { createHash } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { Transport } from '@wirekit/protocol-core'
import { createServer } from '../src/index.ts'
import { Cleanup, rawClient, readAll, Recorder } from './helpers.ts'

const cleanup = new Cleanup()
afterEach(() => cleanup.run())

/** A seeded generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648
    return state / 2147483648
  }
}

describe('TCP transport: the shared write copy', () => {
  it('keeps every pending write intact while other writes, on this and other connections, reuse memory', async () => {
    const protocols: Recorder[] = []
    const server = await createServer(
      () => {
        const recorder = new Recorder()
        protocols.push(recorder)
        return recorder
      },
      { host: '127.0.0.1', port: 0 },
    )
    cleanup.add(server, async (s) => {
      s.close()
      s.abortClients()
      await s.waitClosed()
    })
    const stalled = cleanup.add(await rawClient(server), (s) => s.destroy())
    const reading = cleanup.add(await rawClient(server), (s) => s.destroy())
    stalled.pause()
    await expect.poll(() => protocols.length).toBe(2)
    const [toStalled, toReading] = protocols.map((p) => p.transport) as [Transport, Transport]
    const receivedByStalled = readAll(stalled)
    stalled.pause()
    const receivedByReading = readAll(reading)

    // One source array, refilled before every write: a copy that is reused too early shows.
    const source = new Uint8Array(64 * 1024)
    const next = random(42)
    const sent = { stalled: createHash('sha256'), reading: createHash('sha256') }
    const sizes = { stalled: 0, reading: 0 }
    for (let i = 0; i < 600; i++) {
      const size = 1 + Math.floor(next() * source.length)
      source.fill(i % 251, 0, size)
      const chunk = source.subarray(0, size)
      const [transport, key] =
        i % 2 === 0 ? [toStalled, 'stalled' as const] : [toReading, 'reading' as const]
      if (i % 7 === 0) {
        transport.writeLines([chunk.subarray(0, size >> 1), chunk.subarray(size >> 1)])
      } else {
        transport.write(chunk)
      }
      sent[key].update(chunk)
      sizes[key] += size
      if (i % 50 === 0) {
        await new Promise((resolve) => setImmediate(resolve))
      }
    }
    expect(toStalled.getWriteBufferSize()).toBeGreaterThan(0)
    toStalled.close()
    toReading.close()
    stalled.resume()
    const [fromStalled, fromReading] = await Promise.all([receivedByStalled, receivedByReading])
    expect(fromStalled.length).toBe(sizes.stalled)
    expect(fromReading.length).toBe(sizes.reading)
    expect(createHash('sha256').update(fromStalled).digest('hex')).toBe(sent.stalled.digest('hex'))
    expect(createHash('sha256').update(fromReading).digest('hex')).toBe(sent.reading.digest('hex'))
  })
})
