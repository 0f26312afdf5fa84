import { describe, expect, it } from 'vitest'
import { ByteStream, expectStreamBytes } from '../byte-stream.ts'
import { fillTowardServer } from '../fill.ts'
import type { ConnectionTracker } from '../open-connection.ts'
import { bytes } from './text.ts'

/** Registers the tests of point 2: water marks and `pauseWriting`/`resumeWriting`. */
export function describeWaterMarks(tracker: ConnectionTracker): void {
  describe('water marks', () => {
    it('defaults to high 64 KiB and low high/4; only low gives high = 4 × low', async () => {
      const { client } = await tracker.open()
      const t = client.transport
      expect(t.getWriteBufferLimits()).toEqual({ high: 65536, low: 16384 })
      t.setWriteBufferLimits({ low: 1000 })
      expect(t.getWriteBufferLimits()).toEqual({ high: 4000, low: 1000 })
      t.setWriteBufferLimits({ high: 1000 })
      expect(t.getWriteBufferLimits()).toEqual({ high: 1000, low: 250 })
      t.setWriteBufferLimits({ high: 10, low: 10 })
      expect(t.getWriteBufferLimits()).toEqual({ high: 10, low: 10 })
      t.setWriteBufferLimits({ high: 0, low: 0 })
      expect(t.getWriteBufferLimits()).toEqual({ high: 0, low: 0 })
      t.setWriteBufferLimits()
      expect(t.getWriteBufferLimits()).toEqual({ high: 65536, low: 16384 })
    })

    it('refuses limits unless high ≥ low ≥ 0, keeping the old ones', async () => {
      const { client } = await tracker.open()
      const t = client.transport
      t.setWriteBufferLimits({ high: 2000, low: 500 })
      expect(() => {
        t.setWriteBufferLimits({ high: 10, low: 11 })
      }).toThrow(RangeError)
      expect(() => {
        t.setWriteBufferLimits({ low: -1 })
      }).toThrow(RangeError)
      expect(() => {
        t.setWriteBufferLimits({ high: -1, low: 0 })
      }).toThrow(RangeError)
      expect(t.getWriteBufferLimits()).toEqual({ high: 2000, low: 500 })
    })

    it('starts with the writeBufferLimits option', async () => {
      const { client, server } = await tracker.open({
        client: { writeBufferLimits: { high: 1000, low: 100 } },
        server: { writeBufferLimits: { low: 300 } },
      })
      expect(client.transport.getWriteBufferLimits()).toEqual({ high: 1000, low: 100 })
      expect(server.transport.getWriteBufferLimits()).toEqual({ high: 1200, low: 300 })
    })

    it('counts exactly the bytes written and not yet handed over', async () => {
      const connection = await tracker.open()
      const { size, stream } = await fillTowardServer(connection)
      const t = connection.client.transport
      t.write(stream.next(1))
      expect(t.getWriteBufferSize()).toBe(size + 1)
      t.write(stream.next(1000))
      expect(t.getWriteBufferSize()).toBe(size + 1001)
      t.write(new Uint8Array(0))
      expect(t.getWriteBufferSize()).toBe(size + 1001)
    })

    it('never counts bytes that have left: size + bytes the peer received <= bytes written', async () => {
      const { client, server } = await tracker.open()
      const total = 4 * 1024 * 1024
      client.transport.setWriteBufferLimits({ high: 2 * total })
      const overcounts: string[] = []
      server.protocol.hooks = {
        dataReceived: () => {
          const size = client.transport.getWriteBufferSize()
          const received = server.protocol.receivedLength()
          if (size + received > total) {
            overcounts.push(`size ${size} with ${received} of ${total} received`)
          }
        },
      }
      client.transport.write(new ByteStream().next(total))
      await server.protocol.waitForBytes(total)
      expect(overcounts.slice(0, 3)).toEqual([])
      expect(client.transport.getWriteBufferSize()).toBe(0)
    })

    it('pauses once, when the size goes strictly above high, and keeps what is written meanwhile', async () => {
      const connection = await tracker.open()
      const { client, server } = connection
      const { size, stream } = await fillTowardServer(connection)
      client.transport.setWriteBufferLimits({ high: size + 10, low: 0 })
      client.transport.write(stream.next(10))
      expect(client.transport.getWriteBufferSize()).toBe(size + 10)
      expect(client.protocol.count('pauseWriting')).toBe(0)
      client.transport.write(stream.next(1))
      expect(client.protocol.count('pauseWriting')).toBe(1)
      const pause = client.protocol.events.find((event) => event.name === 'pauseWriting')
      expect(pause?.bufferSize).toBe(size + 11)
      client.transport.write(stream.next(5000))
      expect(client.protocol.count('pauseWriting')).toBe(1)

      server.protocol.resumeReading()
      await server.protocol.waitForBytes(stream.produced)
      expectStreamBytes(server.protocol.received(), 0, stream.produced)
      // low is 0: the resume comes only once everything has been handed over.
      await client.protocol.waitFor('resumeWriting')
      expect(client.protocol.count('pauseWriting')).toBe(1)
    })

    it('never resumes from inside setWriteBufferLimits(): the resume comes as the buffer drains (asyncio)', async () => {
      const connection = await tracker.open()
      const { client, server } = connection
      const { size, stream } = await fillTowardServer(connection)
      const t = client.transport
      t.setWriteBufferLimits({ high: size - 1, low: 0 })
      expect(client.protocol.count('pauseWriting')).toBe(1)
      // The buffer is now at or below the new low mark: still no resume from inside the call.
      t.setWriteBufferLimits({ high: size + 100, low: size })
      expect(client.protocol.count('resumeWriting')).toBe(0)
      server.protocol.resumeReading()
      await client.protocol.waitFor('resumeWriting')
      const resume = client.protocol.events.find((event) => event.name === 'resumeWriting')
      expect(resume?.bufferSize).toBeLessThanOrEqual(size)
      await server.protocol.waitForBytes(stream.produced)
      expect(client.protocol.count('resumeWriting')).toBe(1)
      expect(client.protocol.count('pauseWriting')).toBe(1)
    })

    it('resumes once, at or below low, as the peer drains the buffer', async () => {
      const connection = await tracker.open()
      const { client, server } = connection
      const { size, stream } = await fillTowardServer(connection)
      const low = Math.floor(size / 2)
      client.transport.setWriteBufferLimits({ high: size - 1, low })
      expect(client.protocol.count('pauseWriting')).toBe(1)
      server.protocol.resumeReading()
      await client.protocol.waitFor('resumeWriting')
      const resume = client.protocol.events.find((event) => event.name === 'resumeWriting')
      expect(resume?.bufferSize).toBeLessThanOrEqual(low)
      await server.protocol.waitForBytes(stream.produced)
      expectStreamBytes(server.protocol.received(), 0, stream.produced)
      expect(client.protocol.count('pauseWriting')).toBe(1)
      expect(client.protocol.count('resumeWriting')).toBe(1)
    })

    it('never resumes without a pause, even when a full buffer drains', async () => {
      const connection = await tracker.open()
      const { client, server } = connection
      const { size, stream } = await fillTowardServer(connection)
      client.transport.setWriteBufferLimits({ high: size, low: 0 })
      server.protocol.resumeReading()
      await server.protocol.waitForBytes(stream.produced)
      // One more exchange, so that the drain's last write completion has been seen.
      client.transport.write(bytes('!'))
      await server.protocol.waitForBytes(stream.produced + 1)
      expect(client.protocol.count('pauseWriting')).toBe(0)
      expect(client.protocol.count('resumeWriting')).toBe(0)
    })

    it('pauses at once when the limits are lowered below what is buffered', async () => {
      const connection = await tracker.open()
      const { client } = connection
      const { size } = await fillTowardServer(connection)
      client.transport.setWriteBufferLimits({ high: size, low: 0 })
      expect(client.protocol.count('pauseWriting')).toBe(0)
      client.transport.setWriteBufferLimits({ high: size - 1, low: 0 })
      expect(client.protocol.count('pauseWriting')).toBe(1)
    })

    it('counts writeLines exactly like write', async () => {
      const connection = await tracker.open()
      const { client, server } = connection
      const { size, stream } = await fillTowardServer(connection)
      const t = client.transport
      t.setWriteBufferLimits({ high: size + 10, low: 0 })
      t.writeLines([stream.next(5), stream.next(5)])
      expect(t.getWriteBufferSize()).toBe(size + 10)
      expect(client.protocol.count('pauseWriting')).toBe(0)
      t.writeLines([new Uint8Array(0), stream.next(1)])
      expect(t.getWriteBufferSize()).toBe(size + 11)
      expect(client.protocol.count('pauseWriting')).toBe(1)
      server.protocol.resumeReading()
      await server.protocol.waitForBytes(stream.produced)
      expectStreamBytes(server.protocol.received(), 0, stream.produced)
    })
  })
}
