import { describe, expect, it } from 'vitest'
import { ProtocolCallbackError, type ProtocolCallbackName } from '@wirekit/protocol-core'
import { fillTowardServer } from '../fill.ts'
import type { ConnectionTracker, Side } from '../open-connection.ts'
import {
  BufferedRecordingProtocol,
  RecordingProtocol,
  type BufferedRecorderHooks,
} from '../recording-protocol.ts'
import { bytes, text } from './text.ts'

/** Checks that `side` reported `thrown` once, as a ProtocolCallbackError of `callback`. */
function expectReportedOnce(
  side: Side<RecordingProtocol>,
  callback: ProtocolCallbackName,
  thrown: Error,
): ProtocolCallbackError {
  expect(side.errors).toHaveLength(1)
  const error = side.errors[0]
  expect(error).toBeInstanceOf(ProtocolCallbackError)
  const callbackError = error as ProtocolCallbackError
  expect(callbackError.callback).toBe(callback)
  expect(callbackError.cause).toBe(thrown)
  expect(typeof callbackError.peer).toBe('string')
  expect(callbackError.peer).not.toBe('')
  return callbackError
}

/** A callback that aborts the connection when it throws, and how to make it throw on the server. */
interface FatalCase {
  readonly callback: ProtocolCallbackName
  readonly server: (thrown: Error) => RecordingProtocol
}

const throwing = (thrown: Error) => (): never => {
  throw thrown
}

const FATAL_CASES: readonly FatalCase[] = [
  {
    callback: 'connectionMade',
    server: (thrown) => new RecordingProtocol({ connectionMade: throwing(thrown) }),
  },
  {
    callback: 'dataReceived',
    server: (thrown) => new RecordingProtocol({ dataReceived: throwing(thrown) }),
  },
  {
    callback: 'eofReceived',
    server: (thrown) => new RecordingProtocol({ eofReceived: throwing(thrown) }),
  },
  {
    callback: 'getBuffer',
    server: (thrown) => new BufferedRecordingProtocol(64, { getBuffer: throwing(thrown) }),
  },
  {
    callback: 'bufferUpdated',
    server: (thrown) =>
      new BufferedRecordingProtocol(64, {
        bufferUpdated: throwing(thrown),
      } satisfies BufferedRecorderHooks),
  },
]

/** Registers the tests of point 7: protocol callbacks that throw. */
export function describeCallbackErrors(tracker: ConnectionTracker): void {
  describe('protocol callbacks that throw', () => {
    for (const { callback, server: makeServer } of FATAL_CASES) {
      it(`${callback}: reported once, connection aborted, connectionLost(that error)`, async () => {
        const thrown = new Error(`${callback} failed`)
        const { client, server } = await tracker.open({
          server: { protocol: () => makeServer(thrown) },
        })
        // Several writes, so that more data arrives after the failure: it must not be delivered.
        for (let i = 0; i < 8; i += 1) {
          client.transport.write(bytes(`chunk ${i};`))
        }
        client.transport.writeEof()
        await server.protocol.waitFor('connectionLost')
        const error = expectReportedOnce(server, callback, thrown)
        expect(server.protocol.lost()?.error).toBe(error)
        expect(server.transport.isClosing()).toBe(true)
        await client.protocol.waitFor('connectionLost')
        expect(server.errors).toHaveLength(1)
        expect(client.errors).toEqual([])
      })
    }

    it('connectionMade of the client: reported once, aborted, connectionLost(that error)', async () => {
      const thrown = new Error('client connectionMade failed')
      const { client } = await tracker.open({
        client: { protocol: () => new RecordingProtocol({ connectionMade: throwing(thrown) }) },
      })
      await client.protocol.waitFor('connectionLost')
      const error = expectReportedOnce(client, 'connectionMade', thrown)
      expect(client.protocol.lost()?.error).toBe(error)
    })

    it('other connections carry on', async () => {
      const thrown = new Error('dataReceived failed')
      const failing = await tracker.open({
        server: { protocol: () => new RecordingProtocol({ dataReceived: throwing(thrown) }) },
      })
      const healthy = await tracker.open({
        server: {
          protocol: () => {
            const protocol: RecordingProtocol = new RecordingProtocol({
              dataReceived: (data) => {
                protocol.t.write(data)
              },
            })
            return protocol
          },
        },
      })
      failing.client.transport.write(bytes('boom'))
      await failing.server.protocol.waitFor('connectionLost')
      healthy.client.transport.write(bytes('echo me'))
      await healthy.client.protocol.waitForBytes(7)
      expect(text(healthy.client.protocol.received())).toBe('echo me')
      expect(healthy.server.errors).toEqual([])
      expect(healthy.server.transport.isClosing()).toBe(false)
    })

    it('pauseWriting and resumeWriting: reported, the connection stays open', async () => {
      const pauseError = new Error('pauseWriting failed')
      const resumeError = new Error('resumeWriting failed')
      const connection = await tracker.open({
        client: {
          protocol: () =>
            new RecordingProtocol({
              pauseWriting: throwing(pauseError),
              resumeWriting: throwing(resumeError),
            }),
        },
      })
      const { client, server } = connection
      const { size, stream } = await fillTowardServer(connection)
      client.transport.setWriteBufferLimits({ high: size - 1, low: 0 })
      expect(client.protocol.count('pauseWriting')).toBe(1)
      expectReportedOnce(client, 'pauseWriting', pauseError)
      expect(client.transport.isClosing()).toBe(false)
      server.protocol.resumeReading()
      await client.protocol.waitFor('resumeWriting')
      expect(client.errors).toHaveLength(2)
      expect((client.errors[1] as ProtocolCallbackError).callback).toBe('resumeWriting')
      expect(client.transport.isClosing()).toBe(false)
      await server.protocol.waitForBytes(stream.produced)
      client.transport.close()
      await client.protocol.waitFor('connectionLost')
      expect(client.protocol.lost()?.error).toBeUndefined()
    })

    it('connectionLost: reported only', async () => {
      const thrown = new Error('connectionLost failed')
      const { client, server } = await tracker.open({
        server: { protocol: () => new RecordingProtocol({ connectionLost: throwing(thrown) }) },
      })
      client.transport.close()
      await server.protocol.waitFor('connectionLost')
      expectReportedOnce(server, 'connectionLost', thrown)
      expect(server.protocol.lost()?.error).toBeUndefined()
      await client.protocol.waitFor('connectionLost')
      expect(server.protocol.count('connectionLost')).toBe(1)
    })
  })
}
