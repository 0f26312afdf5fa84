import { describe, expect, it } from 'vitest'
import type { ConnectionTracker } from '../open-connection.ts'
import { RecordingProtocol } from '../recording-protocol.ts'
import { bytes, text } from './text.ts'

/** Checks that `value` is an address of the harness's form, and returns it. */
function expectAddress(value: unknown, form: 'ip' | 'path'): unknown {
  if (form === 'path') {
    expect(value).toEqual(expect.any(String))
  } else {
    expect(value).toEqual({
      address: expect.any(String) as unknown,
      family: expect.any(String) as unknown,
      port: expect.any(Number) as unknown,
    })
  }
  return value
}

/** Registers the tests of `getExtraInfo` and `getProtocol`/`setProtocol`. */
export function describeProtocolAndInfo(
  tracker: ConnectionTracker,
  addressForm: 'ip' | 'path',
): void {
  describe('getExtraInfo() and setProtocol()', () => {
    it('gives peername and sockname; each side sees the other as its peer', async () => {
      const { client, server } = await tracker.open()
      const clientPeer = expectAddress(client.transport.getExtraInfo('peername'), addressForm)
      const clientSelf = expectAddress(client.transport.getExtraInfo('sockname'), addressForm)
      const serverPeer = expectAddress(server.transport.getExtraInfo('peername'), addressForm)
      const serverSelf = expectAddress(server.transport.getExtraInfo('sockname'), addressForm)
      expect(clientPeer).toEqual(serverSelf)
      expect(serverPeer).toEqual(clientSelf)
    })

    it('keeps peername and sockname for the life of the transport, inside connectionLost too', async () => {
      const seen = new Map<string, unknown>()
      const record = (side: string) => (protocol: RecordingProtocol) => (): void => {
        seen.set(`${side} peername`, protocol.transport?.getExtraInfo('peername'))
        seen.set(`${side} sockname`, protocol.transport?.getExtraInfo('sockname'))
      }
      const recorder = (side: string) => (): RecordingProtocol => {
        const protocol = new RecordingProtocol()
        protocol.hooks = { connectionLost: record(side)(protocol) }
        return protocol
      }
      const { client, server } = await tracker.open({
        client: { protocol: recorder('client') },
        server: { protocol: recorder('server') },
      })
      const expected = new Map<string, unknown>([
        ['client peername', expectAddress(client.transport.getExtraInfo('peername'), addressForm)],
        ['client sockname', expectAddress(client.transport.getExtraInfo('sockname'), addressForm)],
        ['server peername', expectAddress(server.transport.getExtraInfo('peername'), addressForm)],
        ['server sockname', expectAddress(server.transport.getExtraInfo('sockname'), addressForm)],
      ])
      client.transport.close()
      await client.protocol.waitFor('connectionLost')
      await server.protocol.waitFor('connectionLost')
      expect(seen).toEqual(expected)
      expect(client.transport.getExtraInfo('sockname')).toEqual(expected.get('client sockname'))
      expect(server.transport.getExtraInfo('peername')).toEqual(expected.get('server peername'))
    })

    it('returns the default, or undefined, for an unknown key', async () => {
      const { client } = await tracker.open()
      const fallback = { none: true }
      expect(client.transport.getExtraInfo('no-such-key', fallback)).toBe(fallback)
      expect(client.transport.getExtraInfo('no-such-key')).toBeUndefined()
    })

    it('sends later callbacks to the protocol given to setProtocol()', async () => {
      const { client, server } = await tracker.open()
      expect(server.transport.getProtocol()).toBe(server.protocol)
      const next = tracker.track(new RecordingProtocol())
      next.adopt(server.transport)
      server.transport.setProtocol(next)
      expect(server.transport.getProtocol()).toBe(next)
      client.transport.write(bytes('for the new one'))
      client.transport.writeEof()
      await next.waitFor('connectionLost')
      expect(text(next.received())).toBe('for the new one')
      expect(next.names().join(' ')).toMatch(
        /^connectionMade( dataReceived)+ eofReceived connectionLost$/,
      )
      expect(server.protocol.names()).toEqual(['connectionMade'])
    })
  })
}
