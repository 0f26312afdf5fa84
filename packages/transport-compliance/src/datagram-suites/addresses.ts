import { describe, expect, it } from 'vitest'
import { isDatagramTransport, isTransport } from '@wirekit/protocol-core'
import type { DatagramEndpointTracker } from '../datagram-endpoints.ts'
import { DatagramRecordingProtocol } from '../datagram-recording-protocol.ts'
import { codeThrownBy, datagram, echoRecorder, socknameOf } from './helpers.ts'

/** Registers the tests of addresses, connected and unconnected endpoints, and `setProtocol`. */
export function describeDatagramAddresses(tracker: DatagramEndpointTracker): void {
  describe('addresses, connected and unconnected endpoints', () => {
    it('a connected client has the server as peername; the server has none', async () => {
      const { client, server } = await tracker.open()
      expect(isDatagramTransport(client.transport)).toBe(true)
      expect(isTransport(client.transport)).toBe(false)
      const serverAddress = socknameOf(server.transport)
      const clientAddress = socknameOf(client.transport)
      expect(client.transport.getExtraInfo('peername')).toEqual(serverAddress)
      expect(server.transport.getExtraInfo('peername')).toBeUndefined()
      expect(server.transport.getExtraInfo('peername', 'none')).toBe('none')
      expect(clientAddress.family).toBe(serverAddress.family)
      expect(client.transport.getExtraInfo('no-such-key')).toBeUndefined()
      expect(client.transport.getExtraInfo('no-such-key', 0)).toBe(0)
    })

    it('tells the receiver who sent each datagram; answering that address reaches the sender', async () => {
      const { client, server } = await tracker.open({ server: { protocol: echoRecorder } })
      client.protocol.send(datagram(10))
      await client.protocol.waitFor('datagramReceived')
      expect(server.protocol.events[1]?.address).toEqual(socknameOf(client.transport))
      expect(client.protocol.events[1]?.address).toEqual(socknameOf(server.transport))
      expect(client.protocol.datagrams()).toEqual([datagram(10)])
    })

    it('a connected client sends to its peer without an address, or with exactly its address', async () => {
      const { client, server } = await tracker.open()
      const peer = socknameOf(server.transport)
      client.protocol.send(datagram(1))
      client.protocol.send(datagram(2), peer)
      client.protocol.send(datagram(3), { address: peer.address, port: peer.port })
      await server.protocol.waitFor('datagramReceived', 3)
      expect(server.protocol.datagrams()).toEqual([datagram(1), datagram(2), datagram(3)])
    })

    it('a connected client refuses any other address (ERR_DATAGRAM_ADDRESS_MISMATCH), sending nothing', async () => {
      const { client, server } = await tracker.open()
      const peer = socknameOf(server.transport)
      const other = { address: peer.address, port: peer.port === 65535 ? 65534 : peer.port + 1 }
      expect(codeThrownBy(() => client.transport.sendto(datagram(9), other))).toBe(
        'ERR_DATAGRAM_ADDRESS_MISMATCH',
      )
      client.protocol.send(datagram(4))
      await server.protocol.waitFor('datagramReceived')
      expect(server.protocol.datagrams()).toEqual([datagram(4)])
    })

    it('an unconnected endpoint needs an address (ERR_DATAGRAM_ADDRESS_REQUIRED)', async () => {
      const { client, server } = await tracker.open({ connected: false })
      expect(client.transport.getExtraInfo('peername')).toBeUndefined()
      expect(codeThrownBy(() => client.transport.sendto(datagram(1)))).toBe(
        'ERR_DATAGRAM_ADDRESS_REQUIRED',
      )
      expect(codeThrownBy(() => server.transport.sendto(datagram(1)))).toBe(
        'ERR_DATAGRAM_ADDRESS_REQUIRED',
      )
      client.protocol.send(datagram(5), socknameOf(server.transport))
      await server.protocol.waitFor('datagramReceived')
      expect(server.protocol.datagrams()).toEqual([datagram(5)])
      expect(server.protocol.events[1]?.address).toEqual(socknameOf(client.transport))
    })

    it('refuses a malformed address with a TypeError or RangeError, connected or not', async () => {
      const { client, server } = await tracker.open()
      const port = socknameOf(server.transport).port
      const bad: [unknown, ErrorConstructor][] = [
        ['127.0.0.1', TypeError],
        [{ port }, TypeError],
        [{ address: '', port }, TypeError],
        [{ address: 'x', port: String(port) }, TypeError],
        [{ address: 'x', port: 0 }, RangeError],
        [{ address: 'x', port: 65536 }, RangeError],
        [{ address: 'x', port: 1.5 }, RangeError],
      ]
      for (const [address, kind] of bad) {
        for (const transport of [client.transport, server.transport]) {
          expect(() => {
            transport.sendto(datagram(1), address as { address: string; port: number })
          }).toThrow(kind)
        }
      }
    })

    it('sends later callbacks to the protocol given to setProtocol()', async () => {
      const { client, server } = await tracker.open()
      expect(server.transport.getProtocol()).toBe(server.protocol)
      const next = tracker.track(new DatagramRecordingProtocol())
      next.adopt(server.transport)
      server.transport.setProtocol(next)
      expect(server.transport.getProtocol()).toBe(next)
      client.protocol.send(datagram(6))
      await next.waitFor('datagramReceived')
      server.transport.close()
      await next.waitFor('connectionLost')
      expect(next.names()).toEqual(['connectionMade', 'datagramReceived', 'connectionLost'])
      expect(server.protocol.names()).toEqual(['connectionMade'])
    })
  })
}
