import { describe, expect, it } from 'vitest'
import { ProtocolCallbackError, type ProtocolCallbackName } from '@wirekit/protocol-core'
import type { DatagramEndpointTracker, DatagramSide } from '../datagram-endpoints.ts'
import { DatagramRecordingProtocol } from '../datagram-recording-protocol.ts'
import { datagram, socknameOf } from './helpers.ts'

/** Checks that `side` reported `thrown` once, as a ProtocolCallbackError of `callback`. */
function expectReportedOnce(
  side: DatagramSide,
  callback: ProtocolCallbackName,
  thrown: Error,
): ProtocolCallbackError {
  expect(side.errors).toHaveLength(1)
  const error = side.errors[0]
  expect(error).toBeInstanceOf(ProtocolCallbackError)
  const callbackError = error as ProtocolCallbackError
  expect(callbackError.callback).toBe(callback)
  expect(callbackError.cause).toBe(thrown)
  return callbackError
}

const throwing = (thrown: Error) => (): never => {
  throw thrown
}

/** Registers the tests of protocol callbacks that throw: the stream transports' policy. */
export function describeDatagramCallbackErrors(tracker: DatagramEndpointTracker): void {
  describe('protocol callbacks that throw', () => {
    it('datagramReceived: reported once naming the sender, endpoint aborted, connectionLost(that error)', async () => {
      const thrown = new Error('datagramReceived failed')
      const { client, server } = await tracker.open({
        server: {
          protocol: () => new DatagramRecordingProtocol({ datagramReceived: throwing(thrown) }),
        },
      })
      for (let i = 0; i < 4; i += 1) {
        client.protocol.send(datagram(8, i))
      }
      await server.protocol.waitFor('connectionLost')
      const error = expectReportedOnce(server, 'datagramReceived', thrown)
      const sender = socknameOf(client.transport)
      expect(error.peer).toBe(`${sender.address} port ${sender.port}`)
      expect(server.protocol.lost()?.error).toBe(error)
      expect(server.protocol.count('datagramReceived')).toBe(1)
      expect(server.transport.isClosing()).toBe(true)
      expect(client.errors).toEqual([])
    })

    for (const side of ['client', 'server'] as const) {
      it(`connectionMade of the ${side}: reported once, aborted, connectionLost(that error)`, async () => {
        const thrown = new Error(`${side} connectionMade failed`)
        const endpoints = await tracker.open({
          [side]: {
            protocol: () => new DatagramRecordingProtocol({ connectionMade: throwing(thrown) }),
          },
        })
        const failing = endpoints[side]
        await failing.protocol.waitFor('connectionLost')
        const error = expectReportedOnce(failing, 'connectionMade', thrown)
        expect(failing.protocol.lost()?.error).toBe(error)
        expect(failing.protocol.names()).toEqual(['connectionMade', 'connectionLost'])
      })
    }

    it('errorReceived: reported once, aborted, connectionLost(that error)', async () => {
      const thrown = new Error('errorReceived failed')
      const { client, server } = await tracker.open({
        client: {
          protocol: () => new DatagramRecordingProtocol({ errorReceived: throwing(thrown) }),
        },
      })
      server.transport.abort()
      await server.protocol.waitFor('connectionLost')
      client.protocol.send(datagram(1))
      await client.protocol.waitFor('connectionLost')
      const error = expectReportedOnce(client, 'errorReceived', thrown)
      expect(client.protocol.lost()?.error).toBe(error)
      expect(client.protocol.count('errorReceived')).toBe(1)
    })

    it('other endpoints carry on', async () => {
      const failing = await tracker.open({
        server: {
          protocol: () =>
            new DatagramRecordingProtocol({ datagramReceived: throwing(new Error()) }),
        },
      })
      const healthy = await tracker.open()
      failing.client.protocol.send(datagram(1))
      await failing.server.protocol.waitFor('connectionLost')
      healthy.client.protocol.send(datagram(2))
      await healthy.server.protocol.waitFor('datagramReceived')
      expect(healthy.server.protocol.datagrams()).toEqual([datagram(2)])
      expect(healthy.server.errors).toEqual([])
      expect(healthy.server.transport.isClosing()).toBe(false)
    })

    it('pauseWriting and resumeWriting: reported, the endpoint stays open', async () => {
      const pauseError = new Error('pauseWriting failed')
      const resumeError = new Error('resumeWriting failed')
      const { client, server } = await tracker.open({
        client: {
          writeBufferLimits: { high: 0, low: 0 },
          protocol: () =>
            new DatagramRecordingProtocol({
              pauseWriting: throwing(pauseError),
              resumeWriting: throwing(resumeError),
            }),
        },
      })
      client.protocol.send(datagram(10))
      expect(client.protocol.count('pauseWriting')).toBe(1)
      expectReportedOnce(client, 'pauseWriting', pauseError)
      await client.protocol.waitFor('resumeWriting')
      expect(client.errors).toHaveLength(2)
      expect((client.errors[1] as ProtocolCallbackError).callback).toBe('resumeWriting')
      expect(client.transport.isClosing()).toBe(false)
      await server.protocol.waitFor('datagramReceived')
      client.protocol.send(datagram(11))
      await server.protocol.waitFor('datagramReceived', 2)
      expect(server.protocol.datagrams()).toEqual([datagram(10), datagram(11)])
    })

    it('connectionLost: reported only', async () => {
      const thrown = new Error('connectionLost failed')
      const { server } = await tracker.open({
        server: {
          protocol: () => new DatagramRecordingProtocol({ connectionLost: throwing(thrown) }),
        },
      })
      server.transport.close()
      await server.protocol.waitFor('connectionLost')
      expectReportedOnce(server, 'connectionLost', thrown)
      expect(server.protocol.lost()?.error).toBeUndefined()
    })
  })
}
