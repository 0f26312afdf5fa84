import { describe, expect, it } from 'vitest'
import { ByteStream, expectStreamBytes } from '../byte-stream.ts'
import { roundTrip } from '../fill.ts'
import type { ConnectionTracker } from '../open-connection.ts'
import { BufferedRecordingProtocol, RecordingProtocol } from '../recording-protocol.ts'

/** Registers the tests of the receive side: pausing, the buffered path, big transfers. */
export function describeReading(tracker: ConnectionTracker): void {
  describe('reading', () => {
    it('isReading() follows pauseReading()/resumeReading(), both idempotent, and closing', async () => {
      const { server } = await tracker.open()
      const t = server.transport
      expect(t.isReading()).toBe(true)
      t.pauseReading()
      t.pauseReading()
      expect(t.isReading()).toBe(false)
      t.resumeReading()
      t.resumeReading()
      expect(t.isReading()).toBe(true)
      t.close()
      expect(t.isReading()).toBe(false)
      t.resumeReading()
      expect(t.isReading()).toBe(false)
    })

    it('delivers nothing while paused, then everything in order', async () => {
      const connection = await tracker.open()
      const { client, server } = connection
      server.protocol.pauseReading()
      const stream = new ByteStream()
      for (let i = 0; i < 4; i += 1) {
        client.transport.write(stream.next(48 * 1024))
      }
      await roundTrip(server, client)
      await roundTrip(server, client)
      expect(server.protocol.count('dataReceived')).toBe(0)
      server.protocol.resumeReading()
      await server.protocol.waitForBytes(stream.produced)
      expectStreamBytes(server.protocol.received(), 0, stream.produced)
    })

    it('delivers nothing after pauseReading() inside dataReceived, until resumed', async () => {
      let server!: RecordingProtocol
      const connection = await tracker.open({
        server: {
          protocol: () => {
            server = new RecordingProtocol({
              dataReceived: () => {
                server.pauseReading()
              },
            })
            return server
          },
        },
      })
      const stream = new ByteStream()
      for (let i = 0; i < 16; i += 1) {
        connection.client.transport.write(stream.next(16 * 1024))
      }
      await server.waitFor('dataReceived')
      await roundTrip(connection.server, connection.client)
      await roundTrip(connection.server, connection.client)
      expect(server.count('dataReceived')).toBe(1)
      server.hooks = {}
      server.resumeReading()
      await server.waitForBytes(stream.produced)
      expectStreamBytes(server.received(), 0, stream.produced)
    })

    it('feeds a BufferedProtocol the same bytes, through getBuffer/bufferUpdated', async () => {
      const { client, server } = await tracker.open({
        server: { protocol: () => new BufferedRecordingProtocol(1000) },
      })
      const stream = new ByteStream()
      for (let i = 0; i < 10; i += 1) {
        client.transport.write(stream.next(20_000))
      }
      client.transport.writeEof()
      await server.protocol.waitFor('eofReceived')
      expectStreamBytes(server.protocol.received(), 0, stream.produced)
      expect(server.protocol.getBufferCalls).toBeGreaterThanOrEqual(200)
    })

    it('pauses a BufferedProtocol inside bufferUpdated, and resumes it in order', async () => {
      let server!: BufferedRecordingProtocol
      const connection = await tracker.open({
        server: {
          protocol: () => {
            server = new BufferedRecordingProtocol(4096, {
              bufferUpdated: () => {
                server.pauseReading()
              },
            })
            return server
          },
        },
      })
      const stream = new ByteStream()
      connection.client.transport.write(stream.next(64 * 1024))
      await server.waitFor('dataReceived')
      await roundTrip(connection.server, connection.client)
      expect(server.count('dataReceived')).toBe(1)
      server.hooks = {}
      server.resumeReading()
      await server.waitForBytes(stream.produced)
      expectStreamBytes(server.received(), 0, stream.produced)
    })

    it('carries a large transfer both ways at once, byte-exact', async () => {
      const { client, server } = await tracker.open()
      client.protocol.keepOpenOnEof = true
      server.protocol.keepOpenOnEof = true
      const size = 1024 * 1024
      const toServer = new ByteStream()
      const toClient = new ByteStream()
      for (let sent = 0; sent < size; sent += 32 * 1024) {
        client.transport.write(toServer.next(32 * 1024))
        server.transport.write(toClient.next(32 * 1024))
      }
      client.transport.writeEof()
      server.transport.writeEof()
      await server.protocol.waitFor('eofReceived')
      await client.protocol.waitFor('eofReceived')
      expectStreamBytes(server.protocol.received(), 0, size)
      expectStreamBytes(client.protocol.received(), 0, size)
    })
  })
}
