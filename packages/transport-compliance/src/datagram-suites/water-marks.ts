import { describe, expect, it } from 'vitest'
import type { DatagramEndpointTracker } from '../datagram-endpoints.ts'
import { datagram, expectDatagrams } from './helpers.ts'

/** Bounds of the burst loops below: each gives up past them rather than loop. */
const MAX_DATAGRAMS_PER_BURST = 64
const ROUNDS = 4

/** Registers the tests of the queue's water marks and `pauseWriting`/`resumeWriting`. */
export function describeDatagramWaterMarks(tracker: DatagramEndpointTracker): void {
  describe('water marks', () => {
    it('defaults to high 64 KiB and low high/4; only low gives high = 4 × low', async () => {
      const { client } = await tracker.open()
      const t = client.transport
      expect(t.getWriteBufferLimits()).toEqual({ high: 65536, low: 16384 })
      t.setWriteBufferLimits({ low: 1000 })
      expect(t.getWriteBufferLimits()).toEqual({ high: 4000, low: 1000 })
      t.setWriteBufferLimits({ high: 1000 })
      expect(t.getWriteBufferLimits()).toEqual({ high: 1000, low: 250 })
      expect(() => {
        t.setWriteBufferLimits({ high: 10, low: 11 })
      }).toThrow(RangeError)
      expect(t.getWriteBufferLimits()).toEqual({ high: 1000, low: 250 })
      t.setWriteBufferLimits()
      expect(t.getWriteBufferLimits()).toEqual({ high: 65536, low: 16384 })
    })

    it('starts with the writeBufferLimits option', async () => {
      const { client, server } = await tracker.open({
        client: { writeBufferLimits: { high: 1000, low: 100 } },
        server: { writeBufferLimits: { low: 300 } },
      })
      expect(client.transport.getWriteBufferLimits()).toEqual({ high: 1000, low: 100 })
      expect(server.transport.getWriteBufferLimits()).toEqual({ high: 1200, low: 300 })
    })

    it('counts each queued datagram as its bytes plus 8, the empty one too, until it has left', async () => {
      const { client, server } = await tracker.open({
        client: { writeBufferLimits: { high: 0, low: 0 } },
      })
      const t = client.transport
      expect(t.getWriteBufferSize()).toBe(0)
      client.protocol.send(new Uint8Array(0))
      expect(t.getWriteBufferSize()).toBe(8)
      client.protocol.send(datagram(100))
      expect(t.getWriteBufferSize()).toBe(8 + 108)
      expect(client.protocol.events.find((e) => e.name === 'pauseWriting')?.bufferSize).toBe(8)
      await client.protocol.waitFor('resumeWriting')
      expect(client.protocol.events.find((e) => e.name === 'resumeWriting')?.bufferSize).toBe(0)
      expect(t.getWriteBufferSize()).toBe(0)
      await server.protocol.waitFor('datagramReceived', 2)
    })

    it('pauses when the queue goes strictly above high, resumes at low, alternating, losing nothing', async () => {
      const high = 3000
      const low = 1000
      const { client, server } = await tracker.open({
        client: { writeBufferLimits: { high, low } },
      })
      let sent = 0
      for (let round = 0; round < ROUNDS; round += 1) {
        let burst = 0
        while (client.protocol.count('pauseWriting') === round) {
          if (burst === MAX_DATAGRAMS_PER_BURST) {
            expect.fail(`no pauseWriting after ${burst} datagrams in round ${round}`)
          }
          client.protocol.send(datagram(492, sent))
          sent += 1
          burst += 1
        }
        // 500 bytes counted per datagram: the pause comes with the seventh (3500 > 3000).
        expect(burst).toBe(7)
        await client.protocol.waitFor('resumeWriting', round + 1)
      }
      const flow = client.protocol.events.filter(
        (e) => e.name === 'pauseWriting' || e.name === 'resumeWriting',
      )
      expect(flow.map((e) => e.name)).toEqual(
        Array.from({ length: ROUNDS }, () => ['pauseWriting', 'resumeWriting']).flat(),
      )
      for (const event of flow) {
        if (event.name === 'pauseWriting') {
          expect(event.bufferSize).toBeGreaterThan(high)
        } else {
          expect(event.bufferSize).toBeLessThanOrEqual(low)
        }
      }
      await server.protocol.waitFor('datagramReceived', sent)
      expectDatagrams(
        server.protocol.datagrams(),
        Array.from({ length: sent }, (_, i) => datagram(492, i)),
      )
    })

    it('never resumes without a pause', async () => {
      const { client, server } = await tracker.open()
      for (let i = 0; i < 4; i += 1) {
        client.protocol.send(datagram(100, i))
      }
      await server.protocol.waitFor('datagramReceived', 4)
      client.protocol.send(datagram(1))
      await server.protocol.waitFor('datagramReceived', 5)
      expect(client.protocol.count('pauseWriting')).toBe(0)
      expect(client.protocol.count('resumeWriting')).toBe(0)
    })

    it('pauses at once when the limits are lowered below what is queued', async () => {
      const { client } = await tracker.open()
      client.protocol.send(datagram(100))
      expect(client.protocol.count('pauseWriting')).toBe(0)
      client.transport.setWriteBufferLimits({ high: 107, low: 0 })
      expect(client.protocol.count('pauseWriting')).toBe(1)
      await client.protocol.waitFor('resumeWriting')
    })

    it('no resumeWriting after abort(), though the queue is gone', async () => {
      const { client } = await tracker.open({
        client: { writeBufferLimits: { high: 0, low: 0 } },
      })
      client.protocol.send(datagram(10))
      expect(client.protocol.count('pauseWriting')).toBe(1)
      client.transport.abort()
      await client.protocol.waitFor('connectionLost')
      expect(client.protocol.names()).toEqual(['connectionMade', 'pauseWriting', 'connectionLost'])
    })
  })
}
