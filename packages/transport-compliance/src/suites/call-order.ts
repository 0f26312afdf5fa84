import { describe, expect, it } from 'vitest'
import type { ConnectionTracker } from '../open-connection.ts'
import { RecordingProtocol } from '../recording-protocol.ts'
import { bytes } from './text.ts'

/** Registers the tests of point 1: the order of callbacks, and no re-entrant `connectionLost`. */
export function describeCallOrder(tracker: ConnectionTracker): void {
  describe('call order', () => {
    it('calls connectionMade first, then data, one eofReceived, and connectionLost once, last', async () => {
      const { client, server } = await tracker.open()
      client.transport.write(bytes('hello'))
      client.transport.writeEof()
      await server.protocol.waitFor('connectionLost')
      await client.protocol.waitFor('connectionLost')
      expect(server.protocol.names().join(' ')).toMatch(
        /^connectionMade( dataReceived)+ eofReceived connectionLost$/,
      )
      expect(client.protocol.names()).toEqual(['connectionMade', 'eofReceived', 'connectionLost'])
      expect(server.protocol.lost()?.error).toBeUndefined()
      expect(client.protocol.lost()?.error).toBeUndefined()
    })

    for (const method of ['close', 'abort'] as const) {
      it(`${method}() inside dataReceived calls connectionLost only after the callback returned`, async () => {
        let lostBeforeReturn: boolean | undefined
        const { client, server } = await tracker.open({
          server: {
            protocol: () => {
              const protocol: RecordingProtocol = new RecordingProtocol({
                dataReceived: () => {
                  protocol.t[method]()
                  lostBeforeReturn = protocol.lost() !== undefined
                },
              })
              return protocol
            },
          },
        })
        client.transport.write(bytes('go'))
        await server.protocol.waitFor('connectionLost')
        expect(lostBeforeReturn).toBe(false)
        expect(server.protocol.count('dataReceived')).toBe(1)
        expect(server.protocol.count('connectionLost')).toBe(1)
        expect(server.protocol.lost()?.error).toBeUndefined()
      })

      for (const side of ['client', 'server'] as const) {
        it(`${method}() inside the ${side}'s connectionMade calls connectionLost after it returned`, async () => {
          let lostBeforeReturn: boolean | undefined
          const makeProtocol = (): RecordingProtocol => {
            const protocol: RecordingProtocol = new RecordingProtocol({
              connectionMade: (transport) => {
                transport[method]()
                lostBeforeReturn = protocol.lost() !== undefined
              },
            })
            return protocol
          }
          const connection = await tracker.open({ [side]: { protocol: makeProtocol } })
          const closing = connection[side].protocol
          await closing.waitFor('connectionLost')
          expect(lostBeforeReturn).toBe(false)
          expect(closing.names()).toEqual(['connectionMade', 'connectionLost'])
          expect(closing.lost()?.error).toBeUndefined()
        })
      }
    }

    it('delivers nothing after connectionLost, though the peer was still sending', async () => {
      const { client, server } = await tracker.open({
        client: {
          protocol: () => {
            const protocol: RecordingProtocol = new RecordingProtocol({
              dataReceived: () => {
                protocol.t.abort()
              },
            })
            return protocol
          },
        },
      })
      for (let i = 0; i < 16; i += 1) {
        server.transport.write(new Uint8Array(16 * 1024).fill(i))
      }
      await client.protocol.waitFor('connectionLost')
      await server.protocol.waitFor('connectionLost')
      expect(client.protocol.names()).toEqual(['connectionMade', 'dataReceived', 'connectionLost'])
      // The recorder also counts any callback after connectionLost as a violation (checked after each test).
    })
  })
}
