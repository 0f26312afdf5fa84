import { describe, expect, it } from 'vitest'
import { expectStreamBytes } from '../byte-stream.ts'
import { fillTowardServer } from '../fill.ts'
import type { ConnectionTracker, OpenConnection } from '../open-connection.ts'
import { bytes, text } from './text.ts'

/** Values that are not a `Uint8Array`, as a JavaScript caller might pass them. */
const NOT_BYTES: readonly unknown[] = [
  'text',
  42,
  null,
  undefined,
  [1, 2, 3],
  new ArrayBuffer(3),
  new Uint16Array(2),
  new DataView(new ArrayBuffer(3)),
]

/** How the tests of dropped writes end the writing side. */
const ENDINGS: Record<string, (connection: OpenConnection) => Promise<void>> = {
  close: (connection) => {
    connection.client.transport.close()
    return Promise.resolve()
  },
  abort: (connection) => {
    connection.client.transport.abort()
    return Promise.resolve()
  },
  'a loss': async (connection) => {
    connection.server.transport.abort()
    await connection.client.protocol.waitFor('connectionLost')
  },
}

/** Registers the tests of point 6: what `write()` takes, copies and drops. */
export function describeWriting(tracker: ConnectionTracker): void {
  describe('write()', () => {
    it('throws TypeError for anything but a Uint8Array, and sends nothing then', async () => {
      const { client, server } = await tracker.open()
      for (const value of NOT_BYTES) {
        expect(() => {
          client.transport.write(value as Uint8Array)
        }, String(value)).toThrow(TypeError)
        expect(() => {
          client.transport.writeLines([bytes('a'), value as Uint8Array])
        }, String(value)).toThrow(TypeError)
      }
      expect(client.transport.getWriteBufferSize()).toBe(0)
      client.transport.write(Buffer.from('ok'))
      client.transport.writeEof()
      await server.protocol.waitFor('eofReceived')
      expect(text(server.protocol.received())).toBe('ok')
    })

    it('does nothing for an empty write', async () => {
      const { client, server } = await tracker.open()
      client.transport.write(new Uint8Array(0))
      client.transport.writeLines([])
      expect(client.transport.getWriteBufferSize()).toBe(0)
      client.transport.write(bytes('a'))
      client.transport.write(new Uint8Array(0))
      client.transport.writeEof()
      await server.protocol.waitFor('eofReceived')
      expect(text(server.protocol.received())).toBe('a')
    })

    it('sends the bytes as they were at the call, though the caller changes its array', async () => {
      const { client, server } = await tracker.open()
      const data = bytes('original')
      client.transport.write(data)
      data.fill(0x2a)
      const lines = [bytes('one'), bytes('two')]
      client.transport.writeLines(lines)
      lines.forEach((line) => line.fill(0x2a))
      const view = bytes('__view__').subarray(2, 6)
      client.transport.write(view)
      view.fill(0x2a)
      client.transport.writeEof()
      await server.protocol.waitFor('eofReceived')
      expect(text(server.protocol.received())).toBe('originalonetwoview')
    })

    it('keeps its copy while the bytes wait in the buffer', async () => {
      const connection = await tracker.open()
      const { client, server } = connection
      const { stream } = await fillTowardServer(connection)
      const data = stream.next(4096)
      client.transport.write(data)
      data.fill(0)
      server.protocol.resumeReading()
      await server.protocol.waitForBytes(stream.produced)
      expectStreamBytes(server.protocol.received(), 0, stream.produced)
    })

    for (const [ending, end] of Object.entries(ENDINGS)) {
      it(`after ${ending}, drops writes silently and warns once, from the 5th`, async () => {
        const connection = await tracker.open()
        const { client } = connection
        client.transport.write(bytes('before'))
        await connection.server.protocol.waitForBytes(6)
        await end(connection)
        for (let i = 1; i <= 4; i += 1) {
          client.transport.write(bytes(`dropped ${i}`))
        }
        expect(client.warnings).toEqual([])
        client.transport.write(bytes('dropped 5'))
        expect(client.warnings).toHaveLength(1)
        for (let i = 6; i <= 20; i += 1) {
          client.transport.write(bytes(`dropped ${i}`))
          client.transport.writeLines([bytes('dropped too')])
        }
        expect(client.warnings).toHaveLength(1)
        expect(client.errors).toEqual([])
        await connection.server.protocol.waitFor('connectionLost')
        expect(text(connection.server.protocol.received())).toBe('before')
      })
    }
  })
}
