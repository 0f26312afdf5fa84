import { createSocket } from 'node:dgram'
import type * as DNS from 'node:dns/promises'
import { once } from 'node:events'
import { Logger, type LogSink } from '@wirekit/app-support'
import { NetworkError } from '@wirekit/protocol-core'
import * as UDP from '@wirekit/transport-udp'
import { describe, expect, it, vi } from 'vitest'
import { openDatagramServer } from '../src/datagram-server.ts'

// Host names of this test only: one that stands for both loopback addresses (as `localhost` does
// on many machines, though not on every one), and one that does not resolve.
vi.mock('node:dns/promises', async (importOriginal) => {
  const dns = await importOriginal<typeof DNS>()
  const lookup = (host: string, options: object): Promise<unknown> => {
    if (host === 'dual.test') {
      return Promise.resolve([
        { address: '127.0.0.1', family: 4 },
        { address: '::1', family: 6 },
      ])
    }
    if (host === 'missing.test') {
      return Promise.reject(
        Object.assign(new Error('getaddrinfo ENOTFOUND missing.test'), { code: 'ENOTFOUND' }),
      )
    }
    return dns.lookup(host, options)
  }
  return { ...dns, lookup, default: { ...dns, lookup } }
})

vi.mock('@wirekit/transport-udp', async (importOriginal) => {
  const udp = await importOriginal<typeof UDP>()
  return { ...udp, createDatagramEndpoint: vi.fn(udp.createDatagramEndpoint) }
})

const sink: LogSink = { level: 'error', write: () => undefined }
const log = new Logger('main', sink)

/** Sends one datagram from a fresh socket and waits for its echo. */
async function echoFrom(address: string, port: number, text: string): Promise<string> {
  const socket = createSocket(address.includes(':') ? 'udp6' : 'udp4')
  try {
    const echo = once(socket, 'message') as Promise<[Buffer]>
    socket.send(text, port, address)
    const [data] = await echo
    return data.toString()
  } finally {
    socket.close()
  }
}

describe('openDatagramServer', () => {
  it('binds every address the host resolves to, on one port, and closes them all', async () => {
    const server = await openDatagramServer('dual.test', 0, sink, log)
    expect(server.port).toBeGreaterThan(0)
    expect(await echoFrom('127.0.0.1', server.port, 'over IPv4')).toBe('over IPv4')
    expect(await echoFrom('::1', server.port, 'over IPv6')).toBe('over IPv6')
    server.close()
    await server.waitClosed()
  })

  it('with port 0, tries again when the port picked on one address is taken on another', async () => {
    const real = vi.mocked(UDP.createDatagramEndpoint).getMockImplementation()
    if (real === undefined) {
      throw new Error('the mock lost its implementation')
    }
    const taken = new NetworkError('listen', '::1', 1, 'EADDRINUSE', 'address already in use')
    vi.mocked(UDP.createDatagramEndpoint)
      .mockClear()
      .mockImplementationOnce(real)
      .mockImplementationOnce(() => Promise.reject(taken))
    const server = await openDatagramServer('dual.test', 0, sink, log)
    // First try: 127.0.0.1 bound, ::1 taken, all closed; second try: both bound.
    expect(UDP.createDatagramEndpoint).toHaveBeenCalledTimes(4)
    expect(await echoFrom('::1', server.port, 'second try')).toBe('second try')
    server.abortClients()
    await server.waitClosed()
  })

  it('gives up on a taken fixed port at once, with the transport’s error', async () => {
    const holder = await openDatagramServer('127.0.0.1', 0, sink, log)
    await expect(openDatagramServer('127.0.0.1', holder.port, sink, log)).rejects.toThrow(
      `cannot listen on 127.0.0.1 port ${holder.port}: address already in use (EADDRINUSE)`,
    )
    holder.close()
    await holder.waitClosed()
  })

  it('names a host that does not resolve', async () => {
    await expect(openDatagramServer('missing.test', 7, sink, log)).rejects.toThrow(
      new NetworkError('listen', 'missing.test', 7, 'ENOTFOUND', 'cannot resolve: host not found'),
    )
  })
})
