/**
 * A server with the PROXY protocol behind real balancers that no one here wrote: HAProxy
 * (`send-proxy`, `send-proxy-v2`) and nginx's `stream` module (`proxy_protocol on`), with TLS
 * at wirekit behind them too (PROXY header, then the TLS handshake, then the protocol).
 */
import { createHash, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { connect, createServer as createRawServer, type AddressInfo, type Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { afterEach, describe, expect, it } from 'vitest'
import {
  planHAProxyTests,
  planNginxTests,
  startHAProxy,
  startNginx,
} from '@wirekit/app-support/testing'
import type { Transport } from '@wirekit/protocol-core'
import { testCertificate } from '@wirekit/test-certificates'
import type { TCPExtraInfo, TCPServerOptions } from '../src/index.ts'
import { Cleanup, portOf, readAll, serveCollecting } from './helpers.ts'
import { EchoRecorder } from './echo-recorder.ts'

// CI sets WIREKIT_REQUIRE_HAPROXY=1 and WIREKIT_REQUIRE_NGINX=1: missing peers fail there.
const haproxyPlan = planHAProxyTests('transport-tcp')
const nginxPlan = planNginxTests('transport-tcp')

const cleanup = new Cleanup()
afterEach(() => cleanup.run())

const trustLoopback: TCPServerOptions = {
  proxyProtocol: { trusted: (address) => address === '127.0.0.1' },
}
const withTls: TCPServerOptions = { ...trustLoopback, tls: testCertificate('server') }

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex')

/** Connects to a balancer, plain or with TLS, sends the payload, half-closes, reads the echo. */
async function exchange(
  host: string,
  port: number,
  payload: Buffer,
  tls: boolean,
): Promise<{ echo: Buffer; client: { address: string; port: number } }> {
  let socket: Socket
  if (tls) {
    socket = tlsConnect({ host, port, ca: testCertificate('ca').cert, servername: 'localhost' })
    await once(socket, 'secureConnect')
  } else {
    socket = connect({ host, port, allowHalfOpen: true })
    await once(socket, 'connect')
  }
  cleanup.add(socket, (s) => s.destroy())
  const client = { address: socket.localAddress ?? '', port: socket.localPort ?? 0 }
  const echo = readAll(socket)
  socket.end(payload)
  return { echo: await echo, client }
}

/** The server's side of the one connection it served, once it is over. */
async function served(protocols: EchoRecorder[]): Promise<Transport<TCPExtraInfo>> {
  const [protocol] = protocols
  if (protocol?.transport === undefined) {
    throw new Error('no protocol was made')
  }
  await protocol.waitFor('connectionLost')
  return protocol.transport as Transport<TCPExtraInfo>
}

describe.skipIf(!haproxyPlan.run)(`behind a real HAProxy (${haproxyPlan.reason})`, () => {
  it.each([
    ['send-proxy', 1],
    ['send-proxy-v2', 2],
  ] as const)(
    '%s: the protocol starts with the client’s address, over IPv4 and IPv6; the echo is byte-exact',
    async (serverOptions, version) => {
      expect(haproxyPlan.version, haproxyPlan.reason).toBeDefined()
      for (const host of ['127.0.0.1', '::1']) {
        const { server, protocols } = await serveCollecting(
          cleanup,
          () => new EchoRecorder(),
          trustLoopback,
        )
        const haproxy = await startHAProxy([
          { bind: host, server: { host: '127.0.0.1', port: portOf(server) }, serverOptions },
        ])
        cleanup.add(haproxy, (h) => h.stop())
        const payload = randomBytes(512 * 1024)
        const { echo, client } = await exchange(host, haproxy.ports[0] ?? 0, payload, false)
        expect(sha256(echo)).toBe(sha256(payload))
        const transport = await served(protocols)
        expect(transport.getExtraInfo('peername')).toEqual({
          family: host.includes(':') ? 'IPv6' : 'IPv4',
          ...client,
        })
        expect(transport.getExtraInfo('proxyHeader')?.version).toBe(version)
        expect(transport.getExtraInfo('proxyPeername')).toMatchObject({ address: '127.0.0.1' })
        expect(server.stats().proxyHeaderFailures).toBe(0)
        await cleanup.run()
      }
    },
  )

  /** HAProxy waits for the ClientHello before it connects, then sends it right behind the header. */
  const v2Signature = Buffer.from('0d0a0d0a000d0a515549540a', 'hex')
  const holdTheClientHello = [
    'tcp-request inspect-delay 5s',
    'tcp-request content accept if { req.ssl_hello_type 1 }',
  ]

  // Usually both arrive in one read (the case proxy-protocol.test.ts makes by hand); on a loaded
  // machine HAProxy may send the header first, so the bytes are gathered until both are there.
  it('sends the header, then the ClientHello it held, unasked (what the next test is about)', async () => {
    expect(haproxyPlan.version, haproxyPlan.reason).toBeDefined()
    let gathered: (bytes: Buffer) => void = () => undefined
    const first = new Promise<Buffer>((resolve) => (gathered = resolve))
    const raw = createRawServer((socket) => {
      socket.on('error', () => undefined)
      let bytes = Buffer.alloc(0)
      socket.on('data', (chunk: Buffer) => {
        bytes = Buffer.concat([bytes, chunk])
        // The header's 16 bytes and its body, a TLS record's 5-byte header and a message type;
        // or no header at all.
        const signed = bytes.subarray(0, 12).equals(v2Signature.subarray(0, bytes.length))
        if (!signed || (bytes.length >= 16 && bytes.length >= 16 + bytes.readUInt16BE(14) + 6)) {
          gathered(bytes)
          socket.destroy()
        }
      })
      // A proxy that sends less and closes: the checks below say what was missing.
      socket.on('close', () => gathered(bytes))
    })
    cleanup.add(raw, (s) => s.close())
    raw.listen(0, '127.0.0.1')
    await once(raw, 'listening')
    const haproxy = await startHAProxy([
      {
        bind: '127.0.0.1',
        frontendLines: holdTheClientHello,
        server: { host: '127.0.0.1', port: (raw.address() as AddressInfo).port },
        serverOptions: 'send-proxy-v2',
      },
    ])
    cleanup.add(haproxy, (h) => h.stop())
    const client = tlsConnect({
      ...{ host: '127.0.0.1', port: haproxy.ports[0] ?? 0, servername: 'localhost' },
      ca: testCertificate('ca').cert,
    })
    client.on('error', () => undefined)
    cleanup.add(client, (c) => c.destroy())
    const bytes = await first
    expect(bytes.subarray(0, 12)).toEqual(v2Signature)
    const headerLength = 16 + bytes.readUInt16BE(14)
    expect(bytes[headerLength]).toBe(0x16) // a TLS handshake record: the ClientHello
    expect(bytes[headerLength + 5]).toBe(0x01) // its first message: a ClientHello
  })

  it('send-proxy-v2 in front of TLS at wirekit: header, then the handshake, then the echo', async () => {
    expect(haproxyPlan.version, haproxyPlan.reason).toBeDefined()
    const { server, protocols } = await serveCollecting(cleanup, () => new EchoRecorder(), withTls)
    const haproxy = await startHAProxy([
      {
        bind: '127.0.0.1',
        frontendLines: holdTheClientHello,
        server: { host: '127.0.0.1', port: portOf(server) },
        serverOptions: 'send-proxy-v2',
      },
    ])
    cleanup.add(haproxy, (h) => h.stop())
    const payload = randomBytes(256 * 1024)
    const { echo, client } = await exchange('127.0.0.1', haproxy.ports[0] ?? 0, payload, true)
    expect(sha256(echo)).toBe(sha256(payload))
    const transport = await served(protocols)
    expect(transport.getExtraInfo('peername')).toEqual({ family: 'IPv4', ...client })
    expect(transport.getExtraInfo('proxyHeader')?.version).toBe(2)
    expect(transport.getExtraInfo('tlsProtocol')).toMatch(/^TLSv1\.[23]$/)
  })
})

describe.skipIf(!nginxPlan.run)(`behind a real nginx stream proxy (${nginxPlan.reason})`, () => {
  it.each([
    ['plain TCP', false],
    ['TLS at wirekit', true],
  ] as const)(
    'proxy_protocol on, %s: the protocol starts with the client’s address, over IPv4 and IPv6',
    async (_, tls) => {
      expect(nginxPlan.version, nginxPlan.reason).toBeDefined()
      for (const host of ['127.0.0.1', '::1']) {
        const { server, protocols } = await serveCollecting(
          cleanup,
          () => new EchoRecorder(),
          tls ? withTls : trustLoopback,
        )
        const nginx = await startNginx([
          {
            listen: host,
            upstream: { host: '127.0.0.1', port: portOf(server) },
            // Without proxy_half_close, nginx ends the session at the client's FIN, echo unread.
            directives: ['proxy_protocol on;', 'proxy_half_close on;'],
          },
        ])
        cleanup.add(nginx, (n) => n.stop())
        const payload = randomBytes(512 * 1024)
        const { echo, client } = await exchange(host, nginx.ports[0] ?? 0, payload, tls)
        expect(sha256(echo)).toBe(sha256(payload))
        const transport = await served(protocols)
        expect(transport.getExtraInfo('peername')).toEqual({
          family: host.includes(':') ? 'IPv6' : 'IPv4',
          ...client,
        })
        expect(transport.getExtraInfo('proxyHeader')?.version).toBe(1)
        expect(server.stats().proxyHeaderFailures).toBe(0)
        await cleanup.run()
      }
    },
  )
})
