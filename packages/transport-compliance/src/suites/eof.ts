import { describe, expect, it } from 'vitest'
import { WriteAfterEofError } from '@wirekit/protocol-core'
import { expectStreamBytes } from '../byte-stream.ts'
import { fillTowardServer } from '../fill.ts'
import type { ConnectionTracker } from '../open-connection.ts'
import { RecordingProtocol } from '../recording-protocol.ts'
import { bytes, text } from './text.ts'

/** Registers the tests of points 4 and 5: `eofReceived`'s result and `writeEof()`. */
export function describeEof(tracker: ConnectionTracker): void {
  describe('EOF', () => {
    it('canWriteEof() is true: stream transports half-close', async () => {
      const { client, server } = await tracker.open()
      expect(client.transport.canWriteEof()).toBe(true)
      expect(server.transport.canWriteEof()).toBe(true)
    })

    it('eofReceived() returning false closes the transport after flushing what it wrote', async () => {
      const { client, server } = await tracker.open({
        server: {
          protocol: () => {
            const protocol: RecordingProtocol = new RecordingProtocol({
              eofReceived: () => {
                protocol.t.write(bytes('bye'))
                return false
              },
            })
            return protocol
          },
        },
      })
      client.transport.write(bytes('hi'))
      client.transport.writeEof()
      await server.protocol.waitFor('connectionLost')
      expect(server.protocol.lost()?.error).toBeUndefined()
      await client.protocol.waitFor('connectionLost')
      expect(text(client.protocol.received())).toBe('bye')
      expect(client.protocol.names().join(' ')).toMatch(
        /^connectionMade( dataReceived)+ eofReceived connectionLost$/,
      )
    })

    it('eofReceived() returning true keeps the write side open until the protocol closes it', async () => {
      const { client, server } = await tracker.open()
      server.protocol.keepOpenOnEof = true
      client.transport.writeEof()
      await server.protocol.waitFor('eofReceived')
      expect(server.transport.isClosing()).toBe(false)
      server.transport.write(bytes('still here'))
      await client.protocol.waitForBytes(10)
      expect(text(client.protocol.received())).toBe('still here')
      expect(server.protocol.count('connectionLost')).toBe(0)
      server.transport.close()
      await server.protocol.waitFor('connectionLost')
      await client.protocol.waitFor('connectionLost')
      expect(server.protocol.lost()?.error).toBeUndefined()
      expect(client.protocol.lost()?.error).toBeUndefined()
    })

    it('writeEof() sends EOF only after the buffered data', async () => {
      const connection = await tracker.open()
      const { client, server } = connection
      server.protocol.keepOpenOnEof = true
      const { stream } = await fillTowardServer(connection)
      client.transport.writeEof()
      expect(client.transport.isClosing()).toBe(false)
      server.protocol.resumeReading()
      await server.protocol.waitFor('eofReceived')
      expectStreamBytes(server.protocol.received(), 0, stream.produced)
    })

    it('write() after writeEof() throws WriteAfterEofError; a second writeEof() does nothing', async () => {
      const { client, server } = await tracker.open()
      server.protocol.keepOpenOnEof = true
      client.protocol.keepOpenOnEof = true
      client.transport.write(bytes('abc'))
      client.transport.writeEof()
      expect(() => {
        client.transport.write(bytes('x'))
      }).toThrow(WriteAfterEofError)
      expect(() => {
        client.transport.writeLines([bytes('x')])
      }).toThrow(WriteAfterEofError)
      client.transport.writeEof()
      await server.protocol.waitFor('eofReceived')
      expect(text(server.protocol.received())).toBe('abc')
      // The client still reads after its EOF.
      server.transport.write(bytes('reply'))
      await client.protocol.waitForBytes(5)
      expect(text(client.protocol.received())).toBe('reply')
      expect(server.protocol.count('eofReceived')).toBe(1)
    })
  })
}
