import { createSocket } from 'node:dgram'
import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import { NetworkError, reusePortSupported, type DatagramTransport } from '@wirekit/protocol-core'
import { DatagramRecordingProtocol } from '@wirekit/transport-compliance'
import {
  createDatagramEndpoint,
  UnsupportedOptionError,
  type UDPEndpointOptions,
} from '../src/index.ts'
import { closeAll, LOOPBACKS, open } from './helpers.ts'

afterEach(closeAll)

const recorder = (): DatagramRecordingProtocol => new DatagramRecordingProtocol()

describe('createDatagramEndpoint: options', () => {
  it.each([
    [undefined, TypeError, 'needs localAddress, remoteAddress or family'],
    [null, TypeError, 'option options must be an object, got null'],
    [{}, TypeError, 'needs localAddress, remoteAddress or family'],
    [{ family: 5 }, RangeError, 'option family must be 4 or 6, got 5'],
    [{ localAddress: '127.0.0.1' }, TypeError, 'option localAddress must be an object'],
    [{ localAddress: { port: 0 } }, TypeError, 'option localAddress.address must be a string'],
    [{ localAddress: { address: 'a b' } }, RangeError, 'must be a host name or address'],
    [
      { localAddress: { address: '::1', port: 65536 } },
      RangeError,
      'localAddress.port must be an integer from 0 to 65535',
    ],
    [
      { remoteAddress: { address: '::1', port: 0 } },
      RangeError,
      'remoteAddress.port must be an integer from 1 to 65535',
    ],
    [{ family: 4, allowBroadcast: 'yes' }, TypeError, 'option allowBroadcast must be a boolean'],
    [
      { family: 4, recvBufferSize: 0 },
      RangeError,
      'option recvBufferSize must be an integer from 1',
    ],
    [
      { family: 4, sendBufferSize: 1.5 },
      RangeError,
      'option sendBufferSize must be an integer from 1',
    ],
    [
      { family: 4, multicast: { groups: '239.1.1.1' } },
      TypeError,
      'option multicast.groups must be an array',
    ],
    [
      { family: 4, multicast: { ttl: 256 } },
      RangeError,
      'option multicast.ttl must be an integer from 0 to 255',
    ],
    [
      { family: 4, multicast: { loopback: 1 } },
      TypeError,
      'option multicast.loopback must be a boolean',
    ],
    [
      { family: 4, writeBufferLimits: { high: 1, low: 2 } },
      RangeError,
      'option writeBufferLimits: ',
    ],
    [{ family: 4, onError: 'print' }, TypeError, 'option onError must be a function'],
    [
      { localAddress: { address: '::1' }, remoteAddress: { address: '127.0.0.1', port: 9 } },
      RangeError,
      'option localAddress.address "::1" is an IPv6 address, but the endpoint is IPv4',
    ],
    [
      { family: 6, localAddress: { address: '127.0.0.1' } },
      RangeError,
      'option localAddress.address "127.0.0.1" is an IPv4 address, but the endpoint is IPv6',
    ],
  ])('refuses %j before opening anything', async (options, kind, message) => {
    let made = 0
    const attempt = createDatagramEndpoint(() => {
      made += 1
      return recorder()
    }, options as UDPEndpointOptions)
    await expect(attempt).rejects.toThrow(kind)
    await expect(attempt).rejects.toThrow(message)
    expect(made).toBe(0)
  })

  it('refuses a factory that is not a function', async () => {
    await expect(
      createDatagramEndpoint('echo' as unknown as () => DatagramRecordingProtocol, { family: 4 }),
    ).rejects.toThrow(TypeError)
  })

  it.runIf(!reusePortSupported())(
    'refuses reusePort where node:dgram lacks it, rather than ignore it',
    async () => {
      const attempt = createDatagramEndpoint(recorder, {
        localAddress: { address: '127.0.0.1' },
        reusePort: true,
      })
      await expect(attempt).rejects.toBeInstanceOf(UnsupportedOptionError)
      await expect(attempt).rejects.toMatchObject({
        code: 'ERR_UNSUPPORTED_OPTION',
        option: 'reusePort',
      })
    },
  )

  it.runIf(reusePortSupported())('lets two endpoints share a port with reusePort', async () => {
    const first = await open(recorder, { localAddress: { address: '127.0.0.1' }, reusePort: true })
    const port = first.transport.getExtraInfo('sockname')?.port ?? 0
    const second = await open(recorder, {
      localAddress: { address: '127.0.0.1', port },
      reusePort: true,
    })
    expect(second.transport.getExtraInfo('sockname')?.port).toBe(port)
  })
})

describe('createDatagramEndpoint: binding and connecting', () => {
  for (const host of LOOPBACKS) {
    it(`calls connectionMade once the socket is bound and connected (${host})`, async () => {
      let seen: { sockname: unknown; peername: unknown } | undefined
      const server = await open(recorder, { localAddress: { address: host } })
      const serverAddress = server.transport.getExtraInfo('sockname')
      expect(serverAddress).toMatchObject({ address: host, port: expect.any(Number) as unknown })
      const client = await open(
        () =>
          new DatagramRecordingProtocol({
            connectionMade: (transport: DatagramTransport) => {
              seen = {
                sockname: transport.getExtraInfo('sockname'),
                peername: transport.getExtraInfo('peername'),
              }
              // Sent from connectionMade: the socket is ready, nothing waits in a pre-bind queue.
              transport.sendto(Uint8Array.of(1))
            },
          }),
        { remoteAddress: serverAddress ?? { address: host, port: 1 } },
      )
      expect(seen?.peername).toEqual(serverAddress)
      expect(seen?.sockname).toMatchObject({ address: host })
      expect(client.transport.getExtraInfo('socket')?.address()).toEqual(seen?.sockname)
      await server.protocol.waitFor('datagramReceived')
      expect(server.protocol.events[1]?.address).toEqual(seen?.sockname)
    })
  }

  it('resolves host names once, in the family asked for', async () => {
    const server = await open(recorder, { family: 4, localAddress: { address: 'localhost' } })
    const address = server.transport.getExtraInfo('sockname')
    expect(address).toMatchObject({ address: '127.0.0.1', family: 'IPv4' })
    const client = await open(recorder, {
      family: 4,
      remoteAddress: { address: 'localhost', port: address?.port ?? 1 },
    })
    expect(client.transport.getExtraInfo('peername')).toEqual(address)
  })

  it('binds every interface on a free port when given only a family', async () => {
    const ipv6 = await open(recorder, { family: 6 })
    expect(ipv6.transport.getExtraInfo('sockname')).toMatchObject({ address: '::', family: 'IPv6' })
    const ipv4 = await open(recorder, { family: 4 })
    expect(ipv4.transport.getExtraInfo('sockname')).toMatchObject({ address: '0.0.0.0' })
    expect(ipv4.transport.getExtraInfo('sockname')?.port).toBeGreaterThan(0)
  })

  it('fails to bind a port in use with a NetworkError EADDRINUSE, never calling the factory', async () => {
    const taken = createSocket('udp4')
    taken.bind(0, '127.0.0.1')
    await once(taken, 'listening')
    const { port } = taken.address()
    let made = 0
    try {
      const attempt = createDatagramEndpoint(
        () => {
          made += 1
          return recorder()
        },
        { localAddress: { address: '127.0.0.1', port } },
      )
      await expect(attempt).rejects.toBeInstanceOf(NetworkError)
      await expect(attempt).rejects.toMatchObject({
        code: 'EADDRINUSE',
        operation: 'listen',
        host: '127.0.0.1',
        port,
        message: `cannot listen on 127.0.0.1 port ${port}: address already in use (EADDRINUSE)`,
      })
      expect(made).toBe(0)
    } finally {
      taken.close()
    }
  })

  it('fails to bind an address this host does not have with EADDRNOTAVAIL', async () => {
    // 203.0.113.0/24 is TEST-NET-3: never a local address, and nothing is sent.
    await expect(
      createDatagramEndpoint(recorder, { localAddress: { address: '203.0.113.1' } }),
    ).rejects.toMatchObject({ code: 'EADDRNOTAVAIL', operation: 'listen' })
  })

  it('fails a socket option the system refuses with a NetworkError, closing the socket', async () => {
    // 127.0.0.1 is not a multicast group: joining it fails with EINVAL.
    await expect(
      createDatagramEndpoint(recorder, {
        localAddress: { address: '127.0.0.1' },
        multicast: { groups: ['127.0.0.1'] },
      }),
    ).rejects.toMatchObject({ code: 'EINVAL', operation: 'listen' })
  })

  it('a factory that throws rejects the call, and the socket is closed', async () => {
    const thrown = new Error('no protocol today')
    await expect(
      createDatagramEndpoint(
        () => {
          throw thrown
        },
        { localAddress: { address: '127.0.0.1' } },
      ),
    ).rejects.toBe(thrown)
  })
})

describe('createDatagramEndpoint: socket options', () => {
  it('sets the receive and send buffers (Linux doubles what it is given)', async () => {
    const endpoint = await open(recorder, {
      localAddress: { address: '127.0.0.1' },
      recvBufferSize: 100_000,
      sendBufferSize: 50_000,
    })
    const socket = endpoint.transport.getExtraInfo('socket')
    expect(socket?.getRecvBufferSize()).toBeGreaterThanOrEqual(100_000)
    expect(socket?.getSendBufferSize()).toBeGreaterThanOrEqual(50_000)
  })

  it('sends to a broadcast address only with allowBroadcast (EACCES through errorReceived otherwise)', async () => {
    const listener = await open(recorder, { localAddress: { address: '127.255.255.255' } })
    const port = listener.transport.getExtraInfo('sockname')?.port ?? 1
    const broadcast = { address: '127.255.255.255', port }
    const refused = await open(recorder, { localAddress: { address: '127.0.0.1' } })
    refused.protocol.send(Uint8Array.of(1), broadcast)
    await refused.protocol.waitFor('errorReceived')
    expect(refused.protocol.errors()[0]).toMatchObject({ code: 'EACCES' })
    const allowed = await open(recorder, {
      localAddress: { address: '127.0.0.1' },
      allowBroadcast: true,
    })
    allowed.protocol.send(Uint8Array.of(2), broadcast)
    await listener.protocol.waitFor('datagramReceived')
    expect(listener.protocol.datagrams()).toEqual([Uint8Array.of(2)])
    expect(allowed.protocol.errors()).toEqual([])
  })

  it('joins multicast groups and sends multicast on the loopback interface only', async () => {
    const group = '239.255.42.99'
    const member = await open(recorder, {
      localAddress: { address: group },
      multicast: { groups: [group], interface: '127.0.0.1' },
    })
    const port = member.transport.getExtraInfo('sockname')?.port ?? 1
    // TTL 0 and the loopback interface: the datagram never leaves this host.
    const sender = await open(recorder, {
      localAddress: { address: '127.0.0.1' },
      multicast: { interface: '127.0.0.1', ttl: 0, loopback: true },
    })
    sender.protocol.send(Uint8Array.of(42), { address: group, port })
    await member.protocol.waitFor('datagramReceived')
    expect(member.protocol.datagrams()).toEqual([Uint8Array.of(42)])
    expect(member.protocol.events[1]?.address).toEqual(sender.transport.getExtraInfo('sockname'))
  })
})
