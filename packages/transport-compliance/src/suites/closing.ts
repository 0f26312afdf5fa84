import { describe, expect, it } from 'vitest'
import { expectStreamBytes } from '../byte-stream.ts'
import { fillTowardServer } from '../fill.ts'
import type { ConnectionTracker } from '../open-connection.ts'
import { bytes } from './text.ts'

/**
 * Bytes written after the buffer is full and right before `abort()`. None of them can have left:
 * a transport's write-buffer size may count a write the system has partly taken (Node reports a
 * write as buffered until it completes), but bytes queued behind a full buffer wait for the
 * event loop, and `abort()` comes first.
 */
const UNSENT = 256 * 1024

/** Registers the tests of point 3: `close()` and `abort()`. */
export function describeClosing(tracker: ConnectionTracker): void {
  describe('close() and abort()', () => {
    it('close() stops reading, flushes the buffer, sends EOF, then connectionLost(undefined)', async () => {
      const connection = await tracker.open()
      const { client, server } = connection
      const { stream } = await fillTowardServer(connection)
      const written = stream.produced
      client.transport.close()
      expect(client.transport.isClosing()).toBe(true)
      expect(client.transport.isReading()).toBe(false)
      // Sent to a closing transport: must not reach the client's protocol.
      server.transport.write(bytes('too late'))
      server.protocol.resumeReading()
      await server.protocol.waitFor('eofReceived')
      expectStreamBytes(server.protocol.received(), 0, written)
      await client.protocol.waitFor('connectionLost')
      await server.protocol.waitFor('connectionLost')
      expect(client.protocol.lost()?.error).toBeUndefined()
      expect(client.protocol.count('connectionLost')).toBe(1)
    })

    it('abort() drops the buffer and calls connectionLost(undefined)', async () => {
      const connection = await tracker.open()
      const { client, server } = connection
      const { stream } = await fillTowardServer(connection)
      client.transport.write(stream.next(UNSENT))
      const written = stream.produced
      client.transport.abort()
      expect(client.transport.isClosing()).toBe(true)
      expect(client.transport.isReading()).toBe(false)
      await client.protocol.waitFor('connectionLost')
      expect(client.protocol.lost()?.error).toBeUndefined()
      server.protocol.resumeReading()
      await server.protocol.waitFor('connectionLost')
      const received = server.protocol.received()
      expect(received.byteLength).toBeLessThanOrEqual(written - UNSENT)
      expectStreamBytes(received, 0, received.byteLength)
    })

    it('abort() after close() drops what close() was still flushing', async () => {
      const connection = await tracker.open()
      const { client, server } = connection
      const { stream } = await fillTowardServer(connection)
      client.transport.write(stream.next(UNSENT))
      client.transport.close()
      client.transport.abort()
      await client.protocol.waitFor('connectionLost')
      expect(client.protocol.lost()?.error).toBeUndefined()
      server.protocol.resumeReading()
      await server.protocol.waitFor('connectionLost')
      expect(server.protocol.receivedLength()).toBeLessThanOrEqual(stream.produced - UNSENT)
    })

    it('close() and abort() are idempotent: one connectionLost', async () => {
      const { client, server } = await tracker.open()
      client.transport.close()
      client.transport.close()
      client.transport.abort()
      server.transport.abort()
      server.transport.abort()
      server.transport.close()
      await client.protocol.waitFor('connectionLost')
      await server.protocol.waitFor('connectionLost')
      client.transport.close()
      client.transport.abort()
      expect(client.protocol.count('connectionLost')).toBe(1)
      expect(server.protocol.count('connectionLost')).toBe(1)
      expect(server.protocol.lost()?.error).toBeUndefined()
    })

    it('isClosing() is false while open, true after close(), abort() or a loss', async () => {
      const { client, server } = await tracker.open()
      expect(client.transport.isClosing()).toBe(false)
      expect(server.transport.isClosing()).toBe(false)
      client.transport.close()
      expect(client.transport.isClosing()).toBe(true)
      await server.protocol.waitFor('connectionLost')
      expect(server.transport.isClosing()).toBe(true)
      const second = await tracker.open()
      second.server.transport.abort()
      expect(second.server.transport.isClosing()).toBe(true)
    })
  })
}
