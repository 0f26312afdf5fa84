import { describe, expect, it } from 'vitest'
import type { DatagramEndpointTracker } from '../datagram-endpoints.ts'
import { datagram, expectDatagrams } from './helpers.ts'

/** Registers the tests of `close()` and `abort()`. */
export function describeDatagramClosing(tracker: DatagramEndpointTracker): void {
  describe('close() and abort()', () => {
    it('close() sends every datagram already queued, then connectionLost(undefined)', async () => {
      const { client, server } = await tracker.open()
      const sent = [0, 10, 1000, 20000, 5].map((size) => datagram(size))
      for (const data of sent) {
        client.protocol.send(data)
      }
      client.transport.close()
      expect(client.transport.isClosing()).toBe(true)
      await server.protocol.waitFor('datagramReceived', sent.length)
      expectDatagrams(server.protocol.datagrams(), sent)
      await client.protocol.waitFor('connectionLost')
      expect(client.protocol.lost()?.error).toBeUndefined()
      expect(client.transport.getWriteBufferSize()).toBe(0)
    })

    it('close() stops receiving at once', async () => {
      const { client, server } = await tracker.open({ connected: false })
      server.transport.close()
      client.protocol.send(datagram(1), server.transport.getExtraInfo('sockname'))
      await server.protocol.waitFor('connectionLost')
      expect(server.protocol.names()).toEqual(['connectionMade', 'connectionLost'])
    })

    it('abort() empties the queue at once and calls connectionLost(undefined) after returning', async () => {
      const { client } = await tracker.open()
      client.protocol.send(datagram(100))
      client.protocol.send(datagram(0))
      expect(client.transport.getWriteBufferSize()).toBeGreaterThan(0)
      client.transport.abort()
      expect(client.transport.getWriteBufferSize()).toBe(0)
      expect(client.transport.isClosing()).toBe(true)
      expect(client.protocol.lost()).toBeUndefined()
      await client.protocol.waitFor('connectionLost')
      expect(client.protocol.lost()?.error).toBeUndefined()
      expect(client.protocol.names()).toEqual(['connectionMade', 'connectionLost'])
    })

    it('abort() after close() drops what close() was still sending; one connectionLost', async () => {
      const { client } = await tracker.open()
      client.protocol.send(datagram(100))
      client.transport.close()
      client.transport.abort()
      expect(client.transport.getWriteBufferSize()).toBe(0)
      await client.protocol.waitFor('connectionLost')
      expect(client.protocol.lost()?.error).toBeUndefined()
    })

    for (const calls of [
      ['close', 'close'],
      ['abort', 'abort'],
      ['abort', 'close'],
    ] as const) {
      it(`${calls.join('() then ')}(): one connectionLost(undefined)`, async () => {
        const { client, server } = await tracker.open()
        for (const method of calls) {
          client.transport[method]()
        }
        await client.protocol.waitFor('connectionLost')
        // Calls after connectionLost do nothing either; the server's close gives the event loop
        // (or the pump) the turns in which a second connectionLost would have come.
        client.transport[calls[0]]()
        server.transport.close()
        await server.protocol.waitFor('connectionLost')
        expect(client.protocol.count('connectionLost')).toBe(1)
        expect(client.protocol.lost()?.error).toBeUndefined()
      })
    }

    it('drops datagrams sent after close() without an error, warning once from the fifth', async () => {
      const { client } = await tracker.open()
      client.transport.close()
      for (let i = 0; i < 7; i += 1) {
        client.protocol.send(datagram(4, i))
      }
      expect(client.transport.getWriteBufferSize()).toBe(0)
      expect(client.warnings).toHaveLength(1)
      expect(client.warnings[0]).toMatch(/^sendto\(\) called 5 times after the endpoint/)
      // What sendto() takes is still checked.
      expect(() => {
        client.transport.sendto('late' as unknown as Uint8Array)
      }).toThrow(TypeError)
      await client.protocol.waitFor('connectionLost')
      client.protocol.send(datagram(4))
      expect(client.warnings).toHaveLength(1)
      expect(client.transport.getWriteBufferSize()).toBe(0)
    })
  })
}
