import { describe, expect, it } from 'vitest'
import type { DatagramEndpointTracker } from '../datagram-endpoints.ts'
import { DatagramRecordingProtocol } from '../datagram-recording-protocol.ts'
import { datagram } from './helpers.ts'

/** Registers the tests of the call order: connectionMade first, connectionLost once and last. */
export function describeDatagramCallOrder(tracker: DatagramEndpointTracker): void {
  describe('call order', () => {
    it('calls connectionMade first, one datagramReceived per datagram, connectionLost once, last', async () => {
      const { client, server } = await tracker.open()
      expect(client.protocol.names()).toEqual(['connectionMade'])
      expect(server.protocol.names()).toEqual(['connectionMade'])
      expect(client.transport.isClosing()).toBe(false)
      for (const size of [3, 1, 2]) {
        client.protocol.send(datagram(size))
      }
      await server.protocol.waitFor('datagramReceived', 3)
      server.transport.close()
      client.transport.close()
      await server.protocol.waitFor('connectionLost')
      await client.protocol.waitFor('connectionLost')
      expect(server.protocol.names()).toEqual([
        'connectionMade',
        'datagramReceived',
        'datagramReceived',
        'datagramReceived',
        'connectionLost',
      ])
      expect(client.protocol.names()).toEqual(['connectionMade', 'connectionLost'])
      expect(server.protocol.lost()?.error).toBeUndefined()
      expect(client.protocol.lost()?.error).toBeUndefined()
    })

    for (const method of ['close', 'abort'] as const) {
      it(`${method}() inside datagramReceived: connectionLost only after it returned, nothing more delivered`, async () => {
        let lostBeforeReturn: boolean | undefined
        const { client, server } = await tracker.open({
          server: {
            protocol: () => {
              const protocol: DatagramRecordingProtocol = new DatagramRecordingProtocol({
                datagramReceived: () => {
                  protocol.t[method]()
                  lostBeforeReturn = protocol.lost() !== undefined
                },
              })
              return protocol
            },
          },
        })
        client.protocol.send(datagram(1))
        client.protocol.send(datagram(2))
        client.protocol.send(datagram(3))
        await server.protocol.waitFor('connectionLost')
        expect(lostBeforeReturn).toBe(false)
        expect(server.protocol.names()).toEqual([
          'connectionMade',
          'datagramReceived',
          'connectionLost',
        ])
        expect(server.protocol.lost()?.error).toBeUndefined()
      })

      for (const side of ['client', 'server'] as const) {
        it(`${method}() inside the ${side}'s connectionMade: connectionLost after it returned`, async () => {
          let lostBeforeReturn: boolean | undefined
          const makeProtocol = (): DatagramRecordingProtocol => {
            const protocol: DatagramRecordingProtocol = new DatagramRecordingProtocol({
              connectionMade: (transport) => {
                transport[method]()
                lostBeforeReturn = protocol.lost() !== undefined
              },
            })
            return protocol
          }
          const endpoints = await tracker.open({ [side]: { protocol: makeProtocol } })
          const closing = endpoints[side].protocol
          await closing.waitFor('connectionLost')
          expect(lostBeforeReturn).toBe(false)
          expect(closing.names()).toEqual(['connectionMade', 'connectionLost'])
          expect(closing.lost()?.error).toBeUndefined()
        })
      }
    }

    it('delivers nothing after connectionLost, though the peer keeps sending', async () => {
      const { client, server } = await tracker.open()
      server.transport.abort()
      await server.protocol.waitFor('connectionLost')
      for (let i = 0; i < 8; i += 1) {
        client.protocol.send(datagram(16, i))
      }
      // The refusal proves the datagrams reached where the server was.
      await client.protocol.waitFor('errorReceived')
      expect(server.protocol.names()).toEqual(['connectionMade', 'connectionLost'])
      // The recorder also counts any callback after connectionLost as a violation.
    })
  })
}
