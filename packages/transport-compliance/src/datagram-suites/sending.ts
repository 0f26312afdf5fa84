import { describe, expect, it } from 'vitest'
import type { DatagramEndpointTracker } from '../datagram-endpoints.ts'
import { datagram, echoRecorder, expectDatagrams, socknameOf } from './helpers.ts'

/** Sizes sent whole in one burst: the empty datagram, tiny ones, a typical MTU's, a large one. */
const SIZES = [0, 1, 100, 1200, 0, 8192, 60000]

/** Registers the tests of `sendto()` and `datagramReceived`: whole datagrams, byte-exact. */
export function describeDatagramSending(tracker: DatagramEndpointTracker): void {
  describe('sendto() and datagramReceived', () => {
    it('delivers each datagram whole and byte-exact, empty ones included, both ways', async () => {
      const { client, server } = await tracker.open({ server: { protocol: echoRecorder } })
      const sent = SIZES.map((size, i) => datagram(size, i))
      for (const data of sent) {
        client.protocol.send(data)
      }
      await server.protocol.waitFor('datagramReceived', sent.length)
      expectDatagrams(server.protocol.datagrams(), sent)
      await client.protocol.waitFor('datagramReceived', sent.length)
      expectDatagrams(client.protocol.datagrams(), sent)
      expect(client.protocol.datagrams()[0]?.byteLength).toBe(0)
      expect(client.errors).toEqual([])
      expect(server.errors).toEqual([])
    })

    it('gives the protocol its own datagram: later ones do not overwrite it, changing it changes no other', async () => {
      const kept: Uint8Array[] = []
      const { client, server } = await tracker.open()
      server.protocol.hooks = {
        datagramReceived: (data) => {
          kept.push(data)
        },
      }
      client.protocol.send(datagram(5, 1))
      client.protocol.send(datagram(5, 2))
      client.protocol.send(datagram(3, 3))
      await server.protocol.waitFor('datagramReceived', 3)
      expectDatagrams(kept, [datagram(5, 1), datagram(5, 2), datagram(3, 3)])
      kept[0]?.fill(0)
      expectDatagrams(kept.slice(1), [datagram(5, 2), datagram(3, 3)])
    })

    it('takes the bytes at the time of the call: changing them afterwards changes nothing sent', async () => {
      const { client, server } = await tracker.open()
      const data = datagram(64, 7)
      client.protocol.send(data)
      data.fill(0xff)
      await server.protocol.waitFor('datagramReceived')
      expect(server.protocol.datagrams()).toEqual([datagram(64, 7)])
    })

    it('takes the bytes at the time of the call on an unconnected endpoint too (sendto with an address)', async () => {
      const { client, server } = await tracker.open()
      const data = datagram(1200, 9)
      server.transport.sendto(data, socknameOf(client.transport))
      data.fill(0xff)
      await client.protocol.waitFor('datagramReceived')
      expect(client.protocol.datagrams()).toEqual([datagram(1200, 9)])
    })

    it('refuses what is not a Uint8Array with a TypeError, sending nothing', async () => {
      const { client, server } = await tracker.open()
      for (const value of ['text', 42, null, [1, 2], new ArrayBuffer(2)]) {
        expect(() => {
          client.transport.sendto(value as unknown as Uint8Array)
        }).toThrow(TypeError)
      }
      client.protocol.send(datagram(3))
      await server.protocol.waitFor('datagramReceived')
      expect(server.protocol.datagrams()).toEqual([datagram(3)])
    })

    it('takes any Uint8Array view, sending only its bytes', async () => {
      const { client, server } = await tracker.open()
      const backing = datagram(32, 0)
      client.protocol.send(backing.subarray(4, 9))
      await server.protocol.waitFor('datagramReceived')
      expect(server.protocol.datagrams()).toEqual([datagram(5, 4)])
      expect(server.protocol.events[1]?.address).toEqual(socknameOf(client.transport))
    })
  })
}
