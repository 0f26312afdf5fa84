import { describe, expect, it } from 'vitest'
import type { DatagramEndpointTracker } from '../datagram-endpoints.ts'
import { datagram } from './helpers.ts'

/** Over the largest datagram IPv4 and IPv6 can carry without jumbograms. */
const TOO_LARGE = 70_000

/** Registers the tests of failed sends and receives: `errorReceived`, never a throw or a close. */
export function describeDatagramSocketErrors(tracker: DatagramEndpointTracker): void {
  describe('errorReceived', () => {
    it('a connected client whose server is gone gets ECONNREFUSED and stays open', async () => {
      const { client, server } = await tracker.open()
      server.transport.abort()
      await server.protocol.waitFor('connectionLost')
      client.protocol.send(datagram(1))
      await client.protocol.waitFor('errorReceived')
      expect(client.protocol.errors()[0]).toMatchObject({ code: 'ECONNREFUSED' })
      expect(client.transport.isClosing()).toBe(false)
      // Still usable: sending again is no error (the refusal may come again).
      client.protocol.send(datagram(2))
      client.transport.close()
      await client.protocol.waitFor('connectionLost')
      expect(client.protocol.lost()?.error).toBeUndefined()
      expect(client.errors).toEqual([])
    })

    it('a datagram too large gets EMSGSIZE, never thrown, and the endpoint goes on', async () => {
      const { client, server } = await tracker.open()
      client.protocol.send(new Uint8Array(TOO_LARGE))
      await client.protocol.waitFor('errorReceived')
      expect(client.protocol.errors()[0]).toMatchObject({ code: 'EMSGSIZE' })
      expect(client.transport.isClosing()).toBe(false)
      client.protocol.send(datagram(3))
      await server.protocol.waitFor('datagramReceived')
      expect(server.protocol.datagrams()).toEqual([datagram(3)])
    })

    it('an unconnected endpoint reports a too large datagram the same way', async () => {
      const { client, server } = await tracker.open({ connected: false })
      const to = server.transport.getExtraInfo('sockname')
      client.protocol.send(new Uint8Array(TOO_LARGE), to)
      await client.protocol.waitFor('errorReceived')
      expect(client.protocol.errors()[0]).toMatchObject({ code: 'EMSGSIZE' })
      expect(client.transport.getWriteBufferSize()).toBe(0)
      client.protocol.send(datagram(4), to)
      await server.protocol.waitFor('datagramReceived')
      expect(server.protocol.datagrams()).toEqual([datagram(4)])
    })
  })
}
