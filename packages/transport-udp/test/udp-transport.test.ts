import type { Socket } from 'node:dgram'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { DatagramRecordingProtocol } from '@wirekit/transport-compliance'
import { closeAll, open } from './helpers.ts'

afterEach(closeAll)

const recorder = (): DatagramRecordingProtocol => new DatagramRecordingProtocol()

/** A server on 127.0.0.1 and a client connected to it. */
async function connectedPair(
  clientOptions: { writeBufferLimits?: { high: number; low: number } } = {},
) {
  const server = await open(recorder, { localAddress: { address: '127.0.0.1' } })
  const serverAddress = server.transport.getExtraInfo('sockname')
  if (serverAddress === undefined) {
    throw new Error('the server has no address')
  }
  const client = await open(recorder, { ...clientOptions, remoteAddress: serverAddress })
  return { server, client, serverAddress }
}

describe('ICMP port unreachable on a connected endpoint', () => {
  it('reaches errorReceived as ECONNREFUSED, never the process; the endpoint keeps working', async () => {
    const uncaught = vi.fn()
    process.on('uncaughtException', uncaught)
    try {
      const { server, client, serverAddress } = await connectedPair()
      server.transport.abort()
      await server.protocol.waitFor('connectionLost')
      for (let i = 0; i < 3; i += 1) {
        client.protocol.send(Uint8Array.of(i))
        await client.protocol.waitFor('errorReceived', i + 1)
      }
      for (const error of client.protocol.errors()) {
        expect(error).toMatchObject({ code: 'ECONNREFUSED' })
      }
      expect(client.transport.isClosing()).toBe(false)
      // The port is free again: a new server there gets what the same client sends next.
      const revived = await open(recorder, { localAddress: serverAddress })
      client.protocol.send(Uint8Array.of(9))
      await revived.protocol.waitFor('datagramReceived')
      expect(revived.protocol.datagrams()).toEqual([Uint8Array.of(9)])
      expect(uncaught).not.toHaveBeenCalled()
    } finally {
      process.off('uncaughtException', uncaught)
    }
  })
})

/** Records the bytes each `send()` of the socket is given. */
function spyOnSend(socket: Socket | undefined): Uint8Array[] {
  if (socket === undefined) {
    throw new Error('the endpoint has no socket')
  }
  const given: Uint8Array[] = []
  const send = socket.send.bind(socket)
  socket.send = ((data: Uint8Array, ...rest: unknown[]) => {
    given.push(data)
    ;(send as (...args: unknown[]) => void)(data, ...rest)
  }) as typeof socket.send
  return given
}

describe('the bytes a datagram carries', () => {
  it('are a copy of the caller’s: the socket never gets memory the caller may change', async () => {
    // The compliance suite changes the array after sendto(), but a datagram to an IP address
    // leaves within sendto() (literalFirstLookup), so only the socket's argument shows the copy.
    const { server, client } = await connectedPair()
    const clientAddress = client.transport.getExtraInfo('sockname')
    if (clientAddress === undefined) {
      throw new Error('the client has no address')
    }
    const given = spyOnSend(server.transport.getExtraInfo('socket'))
    const data = new Uint8Array(1200).fill(9)
    server.transport.sendto(data, clientAddress)
    await client.protocol.waitFor('datagramReceived')
    expect(given).toHaveLength(1)
    expect(given[0]?.buffer).not.toBe(data.buffer)
    expect(Buffer.from(given[0] ?? [])).toEqual(Buffer.from(data))
  })

  it('go through the same scratch memory, send after send: sending allocates none', async () => {
    const { server, client } = await connectedPair()
    const clientAddress = client.transport.getExtraInfo('sockname')
    if (clientAddress === undefined) {
      throw new Error('the client has no address')
    }
    const given = spyOnSend(server.transport.getExtraInfo('socket'))
    for (let i = 1; i <= 3; i += 1) {
      server.transport.sendto(new Uint8Array(1200).fill(i), clientAddress)
      await client.protocol.waitFor('datagramReceived', i)
    }
    // The same memory, not merely the same pool: Node's pooled copies share an ArrayBuffer too.
    const first = given[0]
    for (const data of given) {
      expect(data.buffer).toBe(first?.buffer)
      expect(data.byteOffset).toBe(first?.byteOffset)
    }
    expect(given).toHaveLength(3)
    expect(client.protocol.datagrams()).toEqual([1, 2, 3].map((i) => new Uint8Array(1200).fill(i)))
  })

  it('a datagram larger than UDP carries gets a copy of its own: the scratch stays at most 64 KiB', async () => {
    const { server, client, serverAddress } = await connectedPair()
    const given = spyOnSend(client.transport.getExtraInfo('socket'))
    client.transport.sendto(new Uint8Array(100_000), serverAddress)
    await client.protocol.waitFor('errorReceived')
    client.transport.sendto(Uint8Array.of(1), serverAddress)
    await server.protocol.waitFor('datagramReceived')
    expect(given).toHaveLength(2)
    expect(given[1]?.buffer).not.toBe(given[0]?.buffer)
    expect(given[1]?.buffer.byteLength).toBeLessThanOrEqual(65_536)
  })

  it('a send while a datagram waiting for its host name holds the scratch gets memory of its own', async () => {
    const server = await open(recorder, { localAddress: { address: '127.0.0.1' } })
    const port = server.transport.getExtraInfo('sockname')?.port ?? 1
    const client = await open(recorder, { localAddress: { address: '127.0.0.1' } })
    const given = spyOnSend(client.transport.getExtraInfo('socket'))
    const first = new Uint8Array(64).fill(1)
    const second = new Uint8Array(64).fill(2)
    client.transport.sendto(first, { address: 'localhost', port })
    client.transport.sendto(second, { address: '127.0.0.1', port })
    first.fill(0)
    second.fill(0)
    await server.protocol.waitFor('datagramReceived', 2)
    expect(given[1]?.buffer).not.toBe(given[0]?.buffer)
    const received = server.protocol.datagrams().map((data) => data[0])
    expect(received.sort()).toEqual([1, 2])
    // Both sends are done: the scratch is free again.
    client.transport.sendto(Uint8Array.of(3), { address: '127.0.0.1', port })
    await server.protocol.waitFor('datagramReceived', 3)
    expect(given[2]?.buffer).toBe(given[0]?.buffer)
    expect(given[2]?.byteOffset).toBe(given[0]?.byteOffset)
  })
})

describe('datagrams too large', () => {
  it('the most IPv4 carries (65507 bytes) arrives; one byte more is EMSGSIZE through errorReceived', async () => {
    const { server, client } = await connectedPair()
    expect(() => {
      client.protocol.send(new Uint8Array(65508))
    }).not.toThrow()
    client.protocol.send(new Uint8Array(65507).fill(7))
    await client.protocol.waitFor('errorReceived')
    expect(client.protocol.errors()[0]).toMatchObject({ code: 'EMSGSIZE' })
    await server.protocol.waitFor('datagramReceived')
    expect(server.protocol.datagrams()[0]?.byteLength).toBe(65507)
    expect(client.transport.isClosing()).toBe(false)
    expect(client.transport.getWriteBufferSize()).toBe(0)
  })
})

describe('sending before the endpoint is ready, and after it is gone', () => {
  it('the transport exists only once the socket is bound: nothing can be sent before', async () => {
    let boundWhenMade: boolean | undefined
    const endpoint = await open(
      () =>
        new DatagramRecordingProtocol({
          connectionMade: (transport) => {
            const socket = transport.getExtraInfo('socket') as { address(): { port: number } }
            boundWhenMade = socket.address().port > 0
          },
        }),
      { localAddress: { address: '127.0.0.1' } },
    )
    expect(boundWhenMade).toBe(true)
    expect(endpoint.protocol.names()).toEqual(['connectionMade'])
  })

  it('a socket closed behind the transport’s back ends the endpoint; later sends are dropped', async () => {
    const { client } = await connectedPair()
    client.transport.getExtraInfo('socket')?.close()
    await client.protocol.waitFor('connectionLost')
    expect(client.protocol.lost()?.error).toBeUndefined()
    expect(client.transport.isClosing()).toBe(true)
    expect(() => {
      client.protocol.send(Uint8Array.of(1))
    }).not.toThrow()
    expect(client.transport.getWriteBufferSize()).toBe(0)
  })

  it('an address of the other family is a failed send (errorReceived), not a throw', async () => {
    const endpoint = await open(recorder, { localAddress: { address: '127.0.0.1' } })
    endpoint.protocol.send(Uint8Array.of(1), { address: '::1', port: 9 })
    await endpoint.protocol.waitFor('errorReceived')
    expect(endpoint.protocol.errors()[0]).toBeInstanceOf(Error)
    expect(endpoint.transport.isClosing()).toBe(false)
  })
})

describe('host names in sendto()', () => {
  it('resolves them for each datagram; the datagram counts as queued meanwhile', async () => {
    const server = await open(recorder, { localAddress: { address: '127.0.0.1' } })
    const port = server.transport.getExtraInfo('sockname')?.port ?? 1
    const client = await open(recorder, { localAddress: { address: '127.0.0.1' } })
    client.protocol.send(Uint8Array.of(5), { address: 'localhost', port })
    expect(client.transport.getWriteBufferSize()).toBe(9)
    await server.protocol.waitFor('datagramReceived')
    expect(server.protocol.datagrams()).toEqual([Uint8Array.of(5)])
  })

  it('close() waits for datagrams whose host name is still being resolved', async () => {
    const server = await open(recorder, { localAddress: { address: '127.0.0.1' } })
    const port = server.transport.getExtraInfo('sockname')?.port ?? 1
    const client = await open(recorder, { localAddress: { address: '127.0.0.1' } })
    client.protocol.send(Uint8Array.of(6), { address: 'localhost', port })
    client.transport.close()
    await client.protocol.waitFor('connectionLost')
    await server.protocol.waitFor('datagramReceived')
    expect(server.protocol.datagrams()).toEqual([Uint8Array.of(6)])
  })
})

describe('a producer that sends until told to pause', () => {
  it('is stopped at the high-water mark every time: what Node holds stays bounded', async () => {
    const high = 16 * 1024
    const size = 1000
    const { server, client } = await connectedPair({ writeBufferLimits: { high, low: 4 * 1024 } })
    // An object, so that the loop below reads what the callbacks wrote.
    const flow = { paused: false }
    let largest = 0
    client.protocol.hooks = {
      pauseWriting: () => {
        flow.paused = true
      },
      resumeWriting: () => {
        flow.paused = false
      },
    }
    let sent = 0
    for (let round = 0; round < 20; round += 1) {
      let burst = 0
      while (!flow.paused) {
        if (burst > high / size + 1) {
          expect.fail(`still not paused after ${burst} datagrams`)
        }
        client.protocol.send(new Uint8Array(size))
        burst += 1
        sent += 1
        largest = Math.max(largest, client.transport.getWriteBufferSize())
      }
      await client.protocol.until(() => !flow.paused)
    }
    expect(client.protocol.count('pauseWriting')).toBe(20)
    expect(client.protocol.count('resumeWriting')).toBe(20)
    expect(largest).toBeLessThanOrEqual(high + size + 8)
    // Loopback may drop some when the receiver falls behind; most arrive.
    await server.protocol.until(() => server.protocol.count('datagramReceived') > 0)
    expect(sent).toBeGreaterThan(20 * (high / (size + 8)))
  })
})

describe('callbacks that throw', () => {
  it('by default prints one line on standard error, and only that endpoint ends', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    const { server, client } = await connectedPair()
    server.protocol.hooks = {
      datagramReceived: () => {
        throw new Error('bad\nprotocol')
      },
    }
    client.protocol.send(Uint8Array.of(1))
    await server.protocol.waitFor('connectionLost')
    const another = await open(recorder, { localAddress: { address: '127.0.0.1' } })
    const printed = write.mock.calls.map(([text]) => String(text))
    write.mockRestore()
    const clientAddress = client.transport.getExtraInfo('sockname')
    expect(printed).toEqual([
      `wirekit: datagramReceived() threw (peer 127.0.0.1 port ${clientAddress?.port}): bad protocol\n`,
    ])
    expect(client.transport.isClosing()).toBe(false)
    expect(another.transport.isClosing()).toBe(false)
  })
})
