import { once } from 'node:events'
import { connect, createServer as createNetServer, type Socket } from 'node:net'
import { connect as tlsConnect, createSecureContext } from 'node:tls'
import { afterEach, describe, expect, it } from 'vitest'
import { testCertificate } from '@wirekit/test-certificates'
import type { Transport } from '@wirekit/protocol-core'
import {
  createConnection,
  TLSHandshakeError,
  type TCPExtraInfo,
  type TLSServerOptions,
} from '../src/index.ts'
import { Cleanup, portOf, Recorder, serveCollecting } from './helpers.ts'
import { EchoRecorder } from './echo-recorder.ts'

const cleanup = new Cleanup()
afterEach(() => cleanup.run())

const ca = testCertificate('ca').cert
const serverTLS: TLSServerOptions = testCertificate('server')
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)

function info(transport: Transport | undefined): Transport<TCPExtraInfo> {
  if (transport === undefined) {
    throw new Error('no transport')
  }
  return transport as Transport<TCPExtraInfo>
}

async function tlsServer(
  options: TLSServerOptions = serverTLS,
  extra: { onWarning?: (message: string) => void } = {},
): Promise<Awaited<ReturnType<typeof serveCollecting<EchoRecorder>>>> {
  return serveCollecting(cleanup, () => new EchoRecorder(), { tls: options, ...extra })
}

async function connectTLS(
  port: number,
  tls: Parameters<typeof createConnection>[1]['tls'] = { ca },
): Promise<Recorder> {
  const { protocol, transport } = await createConnection(() => new Recorder(), {
    host: '127.0.0.1',
    port,
    tls,
  })
  cleanup.add(transport, (t) => {
    t.abort()
  })
  return protocol
}

describe('TLS', () => {
  it('echoes over TLS; connectionMade comes after the handshake, on both sides', async () => {
    const { server, protocols } = await tlsServer()
    const client = await connectTLS(portOf(server))
    // The client's connectionMade has run: the handshake is done.
    expect(info(client.transport).getExtraInfo('tlsProtocol')).toBe('TLSv1.3')
    expect(info(client.transport).getExtraInfo('authorized')).toBe(true)
    client.transport?.write(bytes('hello over TLS'))
    client.transport?.writeEof()
    await client.waitFor('connectionLost')
    expect(client.received.toString()).toBe('hello over TLS')
    expect(client.names).toEqual([
      'connectionMade',
      'dataReceived',
      'eofReceived',
      'connectionLost',
    ])
    const [echo] = protocols
    expect(echo?.names[0]).toBe('connectionMade')
    expect(info(echo?.transport).getExtraInfo('tlsProtocol')).toBe('TLSv1.3')
  })

  it("gives asyncio's TLS extra info, and ours", async () => {
    const { server, protocols } = await tlsServer({ ...serverTLS, ALPNProtocols: ['echo'] })
    const client = await connectTLS(portOf(server), {
      ca,
      servername: 'localhost',
      ALPNProtocols: ['echo'],
    })
    const t = info(client.transport)
    expect(t.getExtraInfo('compression')).toBeNull()
    expect(t.getExtraInfo('peercert')?.subject.CN).toBe('localhost')
    expect(t.getExtraInfo('cipher')?.version).toBe('TLSv1.3')
    expect(t.getExtraInfo('ssl_object')).toBe(t.getExtraInfo('socket'))
    expect(t.getExtraInfo('sslcontext')).toBeDefined()
    expect(t.getExtraInfo('alpnProtocol')).toBe('echo')
    expect(t.getExtraInfo('servername')).toBe('localhost')
    expect(t.getExtraInfo('authorizationError')).toBeUndefined()
    expect(t.getExtraInfo('peername')).toEqual({
      address: '127.0.0.1',
      family: 'IPv4',
      port: portOf(server),
    })
    await expect.poll(() => protocols.length).toBe(1)
    const s = info(protocols[0]?.transport)
    expect(s.getExtraInfo('peercert')).toBeUndefined() // the client showed no certificate
    expect(s.getExtraInfo('alpnProtocol')).toBe('echo')
    expect(s.getExtraInfo('servername')).toBe('localhost')
  })

  it('leaves the plaintext keys undefined on a plaintext connection', async () => {
    const { server } = await serveCollecting(cleanup, () => new EchoRecorder())
    const { transport } = await createConnection(() => new Recorder(), {
      host: '127.0.0.1',
      port: portOf(server),
    })
    cleanup.add(transport, (t) => {
      t.abort()
    })
    expect(transport.getExtraInfo('peercert')).toBeUndefined()
    expect(transport.getExtraInfo('ssl_object', null)).toBeNull()
  })

  describe("a client's failed handshake rejects createConnection with Node's code; no protocol is made", () => {
    const cases: [string, TLSServerOptions, Record<string, unknown>, string][] = [
      [
        'a self-signed certificate',
        testCertificate('self-signed'),
        {},
        'DEPTH_ZERO_SELF_SIGNED_CERT',
      ],
      [
        'a certificate from another CA',
        testCertificate('other-server'),
        {},
        'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      ],
      ['an expired certificate', testCertificate('expired'), {}, 'CERT_HAS_EXPIRED'],
      [
        'a certificate for another name',
        serverTLS,
        { servername: 'other.localhost' },
        'ERR_TLS_CERT_ALTNAME_INVALID',
      ],
    ]
    for (const [what, certificate, clientOptions, code] of cases) {
      it(`${what}: ${code}`, async () => {
        const warnings: string[] = []
        const { server, protocols } = await tlsServer(certificate, {
          onWarning: (m) => warnings.push(m),
        })
        let made = 0
        const attempt = createConnection(
          () => {
            made += 1
            return new Recorder()
          },
          { host: '127.0.0.1', port: portOf(server), tls: { ca, ...clientOptions } },
        )
        await expect(attempt).rejects.toBeInstanceOf(TLSHandshakeError)
        await expect(attempt).rejects.toMatchObject({ code })
        expect(made).toBe(0)
        expect(protocols).toEqual([])
      })
    }
  })

  it('connects unverified only when told to (rejectUnauthorized: false), and says so', async () => {
    const { server } = await tlsServer(testCertificate('other-server'))
    const client = await connectTLS(portOf(server), { ca, rejectUnauthorized: false })
    const t = info(client.transport)
    expect(t.getExtraInfo('authorized')).toBe(false)
    expect(t.getExtraInfo('authorizationError')).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE')
  })

  it('times out a handshake the server never answers (ERR_TLS_HANDSHAKE_TIMEOUT)', async () => {
    const silent = createNetServer(() => undefined)
    silent.listen(0, '127.0.0.1')
    await once(silent, 'listening')
    cleanup.add(silent, (s) => s.close())
    const address = silent.address()
    const port = typeof address === 'object' && address != null ? address.port : 0
    const attempt = createConnection(() => new Recorder(), {
      host: '127.0.0.1',
      port,
      tls: { ca, handshakeTimeout: 100 },
    })
    await expect(attempt).rejects.toMatchObject({
      name: 'TLSHandshakeError',
      code: 'ERR_TLS_HANDSHAKE_TIMEOUT',
    })
  })

  describe('client certificates', () => {
    const requiring: TLSServerOptions = { ...serverTLS, ca, requestCert: true }

    it('are verified by default: a client without one never reaches a protocol', async () => {
      const warnings: string[] = []
      const { server, protocols } = await tlsServer(requiring, {
        onWarning: (m) => warnings.push(m),
      })
      // TLS 1.3 finishes the client's side before the server has checked the client: the client
      // may connect, then lose the connection with the server's alert.
      try {
        const client = await connectTLS(portOf(server))
        await client.waitFor('connectionLost')
        expect(client.lostError).toBeDefined()
      } catch (error) {
        expect(error).toBeInstanceOf(TLSHandshakeError)
      }
      await expect.poll(() => server.handshakeFailureCount).toBe(1)
      expect(protocols).toEqual([])
      expect(warnings.join('\n')).toMatch(/TLS handshake with 127\.0\.0\.1 port \d+ failed/)
    })

    it('let a verified client in, whose certificate the server sees', async () => {
      const { server, protocols } = await tlsServer(requiring)
      const client = await connectTLS(portOf(server), { ca, ...testCertificate('client') })
      client.transport?.write(bytes('x'))
      await client.waitForBytes(1)
      const t = info(protocols[0]?.transport)
      expect(t.getExtraInfo('authorized')).toBe(true)
      expect(t.getExtraInfo('peercert')?.subject.CN).toBe('wirekit test client')
    })
  })

  describe('failed handshakes on a server', () => {
    it('never reach a protocol; they are counted and reported in one line per 10 s', async () => {
      const warnings: string[] = []
      const { server, protocols } = await tlsServer(serverTLS, {
        onWarning: (m) => warnings.push(m),
      })
      // Plaintext clients on the TLS port, as a scanner or a misconfigured client would come.
      for (let i = 0; i < 5; i += 1) {
        const socket = connect({ host: '127.0.0.1', port: portOf(server) })
        socket.on('error', () => undefined)
        socket.end('GET / HTTP/1.0\r\n\r\n')
        await once(socket, 'close')
      }
      await expect.poll(() => server.handshakeFailureCount).toBe(5)
      expect(protocols).toEqual([])
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toMatch(
        /^TLS handshake with 127\.0\.0\.1 port \d+ failed: http request \(ERR_SSL_HTTP_REQUEST\)$/,
      )
    })

    it('close a client that never starts its handshake at handshakeTimeout', async () => {
      const { server, protocols } = await tlsServer({ ...serverTLS, handshakeTimeout: 150 })
      const socket = connect({ host: '127.0.0.1', port: portOf(server) })
      socket.on('error', () => undefined)
      await once(socket, 'connect')
      await once(socket, 'close')
      expect(server.handshakeFailureCount).toBe(1)
      expect(protocols).toEqual([])
    })

    it.each([
      ['a TCP health check: connect, then FIN', Buffer.alloc(0)],
      ['the start of a ClientHello, then FIN', Buffer.from('160301020001', 'hex')],
    ])(
      'release a peer that gives up mid-handshake at once, not at handshakeTimeout: %s',
      async (_, sent) => {
        // A minute of handshake timeout: only a release on the FIN ends the test in time.
        const { server, protocols } = await tlsServer({ ...serverTLS, handshakeTimeout: 60_000 })
        const socket = connect({ host: '127.0.0.1', port: portOf(server), allowHalfOpen: true })
        socket.on('error', () => undefined)
        await once(socket, 'connect')
        socket.end(sent)
        await once(socket, 'close')
        expect(server.handshakeFailureCount).toBe(1)
        expect(protocols).toEqual([])
      },
    )
  })

  it('half-closes over TLS: writeEof sends close_notify and the read side stays open', async () => {
    const { server } = await tlsServer()
    const client = await connectTLS(portOf(server))
    client.keepOpenOnEof = false
    client.transport?.write(bytes('one'))
    client.transport?.writeEof()
    // The echo answers after our EOF: we still receive.
    await client.waitFor('connectionLost')
    expect(client.received.toString()).toBe('one')
    expect(client.lostError).toBeUndefined()
  })

  it('keeps the water marks through TLS: pauseWriting toward a peer that does not read', async () => {
    const { server, protocols } = await tlsServer()
    const client = await connectTLS(portOf(server))
    await expect.poll(() => protocols.length).toBe(1)
    protocols[0]?.transport?.pauseReading()
    const chunk = new Uint8Array(64 * 1024)
    for (let i = 0; i < 256 && !client.names.includes('pauseWriting'); i += 1) {
      client.transport?.write(chunk)
      await new Promise((resolve) => setImmediate(resolve))
    }
    expect(client.names).toContain('pauseWriting')
    protocols[0]?.transport?.resumeReading()
    await client.waitFor('resumeWriting')
  })

  it("counts unsent bytes from Node's fields, which this Node has", async () => {
    const { server } = await tlsServer()
    const client = await connectTLS(portOf(server))
    const socket = info(client.transport).getExtraInfo('socket') as unknown as {
      _writableState?: { writelen?: unknown }
      _handle?: { writeQueueSize?: unknown }
      _parent?: { _handle?: { writeQueueSize?: unknown } }
    }
    expect(typeof socket._writableState?.writelen).toBe('number')
    expect(typeof socket._handle?.writeQueueSize).toBe('number')
    expect(typeof socket._parent?._handle?.writeQueueSize).toBe('number')
  })

  it('never lets close() hang past shutdownTimeout on a peer that stops reading', async () => {
    const { server, protocols } = await tlsServer({ ...serverTLS, shutdownTimeout: 200 })
    const raw = await new Promise<Socket>((resolve) => {
      const socket = tlsConnect(
        { host: '127.0.0.1', port: portOf(server), ca, servername: 'localhost' },
        () => {
          resolve(socket)
        },
      )
    })
    cleanup.add(raw, (s) => s.destroy())
    raw.pause() // never reads again, never sends close_notify
    await expect.poll(() => protocols.length).toBe(1)
    const echo = protocols[0]
    echo?.transport?.setWriteBufferLimits({ high: 2 ** 40 })
    for (let i = 0; i < 128; i += 1) {
      echo?.transport?.write(new Uint8Array(256 * 1024))
    }
    echo?.transport?.close()
    await echo?.waitFor('connectionLost')
  })

  it('serves the certificate SNI asks for (a map of contexts)', async () => {
    const alt = createSecureContext(testCertificate('alt'))
    const { server, protocols } = await tlsServer({ ...serverTLS, sni: { 'alt.localhost': alt } })
    const altClient = await connectTLS(portOf(server), { ca, servername: 'alt.localhost' })
    expect(info(altClient.transport).getExtraInfo('peercert')?.subject.CN).toBe('alt.localhost')
    await expect.poll(() => protocols.length).toBe(1)
    expect(info(protocols[0]?.transport).getExtraInfo('sslcontext')).toBe(alt)
    const plain = await connectTLS(portOf(server), { ca, servername: 'localhost' })
    expect(info(plain.transport).getExtraInfo('peercert')?.subject.CN).toBe('localhost')
  })

  it('refuses a server tls option without a certificate, and a key that is not one', async () => {
    await expect(serveCollecting(cleanup, () => new EchoRecorder(), { tls: {} })).rejects.toThrow(
      /option tls needs the server certificate/,
    )
    await expect(
      serveCollecting(cleanup, () => new EchoRecorder(), {
        tls: { key: 'not a key', cert: 'not a cert' },
      }),
    ).rejects.toThrow(/option tls: the certificate, key or CA cannot be used/)
  })
})
