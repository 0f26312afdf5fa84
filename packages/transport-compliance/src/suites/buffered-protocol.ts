import { describe, expect, it } from 'vitest'
import { ByteStream, expectStreamBytes } from '../byte-stream.ts'
import { FillingBufferProtocol } from '../filling-buffer-protocol.ts'
import { roundTrip } from '../fill.ts'
import type { ConnectionTracker } from '../open-connection.ts'
import { bytes, text } from './text.ts'

/**
 * Registers the tests of a buffered protocol's life (asyncio's `BufferedProtocol`): memory
 * allocated in `connectionMade`, asked for only while reading, a full buffer that pauses reading,
 * and memory emptied later, on the protocol's own schedule.
 */
export function describeBufferedProtocol(tracker: ConnectionTracker): void {
  describe('BufferedProtocol life', () => {
    it('asks for memory only after connectionMade, even when data comes at once', async () => {
      const connection = await tracker.open({
        client: { protocol: () => new FillingBufferProtocol(1024) },
        server: { protocol: () => new FillingBufferProtocol(1024) },
      })
      const { client, server } = connection
      client.transport.write(bytes('hello'))
      server.transport.write(bytes('world'))
      await server.protocol.waitForBytes(5)
      await client.protocol.waitForBytes(5)
      expect(text(server.protocol.received())).toBe('hello')
      expect(text(client.protocol.received())).toBe('world')
      expect(server.errors).toEqual([])
    })

    it('never asks while paused: a full buffer pauses, is emptied later, and every byte arrives in order', async () => {
      const size = 4096
      const connection = await tracker.open({
        server: { protocol: () => new FillingBufferProtocol(size) },
      })
      const { client, server } = connection
      const stream = new ByteStream()
      const total = 10 * size + 123
      client.transport.write(stream.next(total))
      while (server.protocol.receivedLength() < total) {
        await server.protocol.until(
          () => server.protocol.filled === size || server.protocol.receivedLength() === total,
        )
        // Let the transports run while the protocol is full: nothing may be asked or delivered.
        await roundTrip(server, client)
        await roundTrip(server, client)
        server.protocol.empty()
      }
      expectStreamBytes(server.protocol.received(), 0, total)
      expect(server.errors).toEqual([])
    })

    it('puts each read where getBuffer says at that moment, when the protocol empties its memory later', async () => {
      // Ten bytes of memory; the first five are taken, emptied while the connection is idle,
      // then five more arrive: they belong at the start again, not after the old five.
      const connection = await tracker.open({
        server: { protocol: () => new FillingBufferProtocol(10) },
      })
      const { client, server } = connection
      client.transport.write(bytes('AAAAA'))
      await server.protocol.waitForBytes(5)
      await roundTrip(server, client)
      server.protocol.empty()
      await roundTrip(server, client)
      client.transport.write(bytes('BBBBB'))
      await server.protocol.waitForBytes(10)
      expect(text(server.protocol.received())).toBe('AAAAABBBBB')
    })
  })
}
