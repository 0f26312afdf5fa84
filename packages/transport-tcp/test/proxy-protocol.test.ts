import { once } from 'node:events'
import { BlockList, connect, type Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { afterEach, describe, expect, it } from 'vitest'
import { encodeProxyHeaderV1, encodeProxyHeaderV2 } from '@wirekit/proxy-protocol'
import type { Transport } from '@wirekit/protocol-core'
import { testCertificate } from '@wirekit/test-certificates'
import type { ProxyProtocolOptions, TCPExtraInfo } from '../src/index.ts'
import { Cleanup, portOf, readAll, Recorder, serveCollecting } from './helpers.ts'

const cleanup = new Cleanup()
afterEach(() => cleanup.run())

const client = { family: 'IPv4', address: '203.0.113.7', port: 40000 } as const
const destination = { family: 'IPv4', address: '198.51.100.1', port: 443 } as const
const trustLoopback: ProxyProtocolOptions = { trusted: (address) => address === '127.0.0.1' }

/** Answers what it receives with the peername it sees, then echoes. */
class Greeter extends Recorder {
  override connectionMade(transport: Transport): void {
    super.connectionMade(transport)
    const peer = transport.getExtraInfo('peername')
    const shown = typeof peer === 'string' ? peer : `${peer?.address ?? '?'} ${String(peer?.port)}`
    transport.write(Buffer.from(`hello ${shown}\n`))
  }
  override dataReceived(data: Uint8Array): void {
    super.dataReceived(data)
    this.transport?.write(data)
  }
  override eofReceived(): boolean {
    super.eofReceived()
    this.transport?.writeEof()
    return true
  }
}

async function balancer(port: number): Promise<Socket> {
  const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true })
  cleanup.add(socket, (s) => s.destroy())
  await once(socket, 'connect')
  return socket
}

function info(transport: Transport | undefined): Transport<TCPExtraInfo> {
  if (transport === undefined) {
    throw new Error('no transport')
  }
  return transport as Transport<TCPExtraInfo>
}

describe('PROXY protocol on a server', () => {
  it('makes the protocol after a v1 header; peername and sockname are the header’s; the rest is the first data', async () => {
    const { server, protocols } = await serveCollecting(cleanup, () => new Greeter(), {
      proxyProtocol: trustLoopback,
    })
    const socket = await balancer(portOf(server))
    socket.end(
      Buffer.concat([encodeProxyHeaderV1({ source: client, destination }), Buffer.from('ping')]),
    )
    const reply = (await readAll(socket)).toString()
    expect(reply).toBe('hello 203.0.113.7 40000\nping')
    const [greeter] = protocols
    expect(greeter?.names).toEqual([
      'connectionMade',
      'dataReceived',
      'eofReceived',
      'connectionLost',
    ])
    const t = info(greeter?.transport)
    expect(t.getExtraInfo('peername')).toEqual(client)
    expect(t.getExtraInfo('sockname')).toEqual(destination)
    expect(t.getExtraInfo('proxyHeader')?.version).toBe(1)
    expect(t.getExtraInfo('proxyPeername')).toMatchObject({ address: '127.0.0.1' })
  })

  it('takes a v2 header trickled one byte at a time', async () => {
    const { server, protocols } = await serveCollecting(cleanup, () => new Greeter(), {
      proxyProtocol: trustLoopback,
    })
    const socket = await balancer(portOf(server))
    const header = encodeProxyHeaderV2({ source: client, destination, tlvs: [{ type: 'crc32c' }] })
    socket.setNoDelay(true)
    for (const byte of header) {
      // One write per byte; each reaches the server as soon as the previous one was taken.
      await new Promise<void>((resolve) => socket.write(Uint8Array.of(byte), () => resolve()))
      expect(protocols).toEqual([])
    }
    socket.end('x')
    expect((await readAll(socket)).toString()).toBe('hello 203.0.113.7 40000\nx')
    expect(server.proxyHeaderFailureCount).toBe(0)
  })

  it('keeps the real addresses for a LOCAL header (a health check)', async () => {
    const { server } = await serveCollecting(cleanup, () => new Greeter(), {
      proxyProtocol: trustLoopback,
    })
    const socket = await balancer(portOf(server))
    const ownPort = socket.localPort
    socket.end(encodeProxyHeaderV2({ command: 'local' }))
    const reply = (await readAll(socket)).toString()
    expect(reply).toBe(`hello 127.0.0.1 ${String(ownPort)}\n`)
  })

  describe('closes the connection before any protocol exists, counts and reports it', () => {
    const cases: [string, ProxyProtocolOptions, (socket: Socket) => void, RegExp][] = [
      [
        'a header from an untrusted peer (a forged one)',
        { trusted: new BlockList() },
        (socket) => socket.write(encodeProxyHeaderV1({ source: client, destination })),
        /not a trusted proxy/,
      ],
      [
        'no header (the spec forbids guessing)',
        trustLoopback,
        (socket) => socket.write('GET / HTTP/1.0\r\n\r\n'),
        /invalid PROXY header/,
      ],
      [
        'a header longer than maxHeaderSize',
        { ...trustLoopback, maxHeaderSize: 64 },
        (socket) =>
          socket.write(
            encodeProxyHeaderV2({
              source: client,
              destination,
              tlvs: [{ type: 'authority', value: 'x'.repeat(100) }],
            }),
          ),
        /invalid PROXY header/,
      ],
      [
        'no header in time',
        { ...trustLoopback, timeout: 100 },
        () => undefined,
        /no PROXY header within 100 ms/,
      ],
    ]
    for (const [what, options, send, reported] of cases) {
      it(what, async () => {
        const warnings: string[] = []
        const { server, protocols } = await serveCollecting(cleanup, () => new Greeter(), {
          proxyProtocol: options,
          onWarning: (message) => warnings.push(message),
        })
        const socket = await balancer(portOf(server))
        socket.on('error', () => undefined)
        const received = readAll(socket).catch(() => Buffer.alloc(0))
        send(socket)
        // A server-speaks-first protocol said nothing before the connection ended: there was none.
        expect((await received).length).toBe(0)
        await expect.poll(() => server.proxyHeaderFailureCount).toBe(1)
        expect(protocols).toEqual([])
        expect(warnings).toHaveLength(1)
        expect(warnings[0]).toMatch(reported)
        expect(server.connectionCount).toBe(0)
      })
    }
  })

  it('neither counts nor reports a peer that leaves before sending anything (a health check)', async () => {
    const warnings: string[] = []
    const { server, protocols } = await serveCollecting(cleanup, () => new Greeter(), {
      proxyProtocol: trustLoopback,
      onWarning: (message) => warnings.push(message),
    })
    for (let i = 0; i < 5; i += 1) {
      const socket = await balancer(portOf(server))
      socket.resetAndDestroy()
    }
    const last = await balancer(portOf(server))
    last.end()
    await expect.poll(() => server.stats().settingUp).toBe(0)
    await expect.poll(() => server.stats().accepted).toBe(6)
    expect(server.proxyHeaderFailureCount).toBe(0)
    expect(warnings).toEqual([])
    expect(protocols).toEqual([])
  })

  it('reads the header, then the TLS handshake (its ClientHello in the same segment)', async () => {
    const { server, protocols } = await serveCollecting(cleanup, () => new Greeter(), {
      proxyProtocol: trustLoopback,
      tls: testCertificate('server'),
    })
    const raw = await balancer(portOf(server))
    raw.cork()
    raw.write(encodeProxyHeaderV2({ source: client, destination }))
    const secure = tlsConnect({
      socket: raw,
      ca: testCertificate('ca').cert,
      servername: 'localhost',
    })
    process.nextTick(() => raw.uncork())
    await once(secure, 'secureConnect')
    const [line] = (await once(secure, 'data')) as [Buffer]
    expect(line.toString()).toBe('hello 203.0.113.7 40000\n')
    const t = info(protocols[0]?.transport)
    expect(t.getExtraInfo('tlsProtocol')).toBe('TLSv1.3')
    expect(t.getExtraInfo('proxyHeader')?.version).toBe(2)
    expect(t.getExtraInfo('peername')).toEqual(client)
    secure.destroy()
  })

  it('refuses an option without trusted proxies', async () => {
    await expect(
      serveCollecting(cleanup, () => new Greeter(), {
        proxyProtocol: {} as ProxyProtocolOptions,
      }),
    ).rejects.toThrow(/option proxyProtocol.trusted must be/)
  })
})
