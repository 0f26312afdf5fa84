import { describe, expect, it } from 'vitest'
import { ProtocolCallbackError } from '@wirekit/protocol-core'
import { ByteStream } from '../byte-stream.ts'
import type { ConnectionTracker } from '../open-connection.ts'
import { bytes } from './text.ts'

/** Registers the tests of point 8: a reset ends the connection, never as an unhandled error. */
export function describeTransportErrors(tracker: ConnectionTracker): void {
  describe('transport-level errors', () => {
    it('a reset ends both sides with one connectionLost, the peer with the error', async () => {
      const { client, server, harness } = await tracker.open()
      client.transport.write(bytes('hello'))
      await server.protocol.waitForBytes(5)
      harness.reset()
      await server.protocol.waitFor('connectionLost')
      await client.protocol.waitFor('connectionLost')
      const error = server.protocol.lost()?.error
      expect(error).toBeInstanceOf(Error)
      expect(error).not.toBeInstanceOf(ProtocolCallbackError)
      expect(server.protocol.count('connectionLost')).toBe(1)
      expect(client.protocol.count('connectionLost')).toBe(1)
      expect(server.errors).toEqual([])
      expect(server.transport.isClosing()).toBe(true)
    })

    it('a reset in the middle of a transfer ends the connection the same way', async () => {
      const { client, server, harness } = await tracker.open()
      const stream = new ByteStream()
      for (let i = 0; i < 32; i += 1) {
        client.transport.write(stream.next(32 * 1024))
      }
      await server.protocol.waitForBytes(1)
      harness.reset()
      await server.protocol.waitFor('connectionLost')
      await client.protocol.waitFor('connectionLost')
      expect(server.protocol.lost()?.error).toBeInstanceOf(Error)
      expect(server.protocol.count('connectionLost')).toBe(1)
      expect(client.protocol.count('connectionLost')).toBe(1)
      // Writes after the loss are dropped, not thrown.
      client.transport.write(bytes('after'))
      server.transport.write(bytes('after'))
    })
  })
}
