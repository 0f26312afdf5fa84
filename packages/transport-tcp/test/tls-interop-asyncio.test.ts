import { createHash, randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  testCertificate,
  testCertificatePath,
  certificatesFolder,
} from '@wirekit/test-certificates'
import type { Transport } from '@wirekit/protocol-core'
import {
  createConnection,
  startTls,
  TLSHandshakeError,
  type TCPExtraInfo,
  type TLSServerOptions,
} from '../src/index.ts'
import { EchoRecorder } from './echo-recorder.ts'
import { Cleanup, portOf, Recorder, serveCollecting } from './helpers.ts'
import { startPeer, type PeerProcess } from './peer-process.ts'
import { StartTLSLineServer } from './starttls-line-server.ts'

// Interop with CPython 3.11's asyncio TLS (ssl= and start_tls()), a peer no one here wrote:
// test/fixtures/asyncio-tls-peer.py plays the client or the server, and prints what it saw.

const cleanup = new Cleanup()
afterEach(() => cleanup.run())

const PEER = fileURLToPath(new URL('./fixtures/asyncio-tls-peer.py', import.meta.url))
const caPath = testCertificatePath('ca', 'cert')
const ca = testCertificate('ca').cert
const serverTLS: TLSServerOptions = testCertificate('server')
const SIZES = [1, 1000, 65_537, 1024 * 1024]

function python(owner: Cleanup, ...args: (string | number)[]): PeerProcess {
  return startPeer(owner, 'python3', [PEER, ...args.map(String)])
}

/** The peer's lines, once it has exited with `code`. */
async function linesAtExit(peer: PeerProcess, code: number): Promise<string[]> {
  const exit = await peer.exited
  expect(exit, `stdout:\n${peer.stdoutText()}\nstderr:\n${peer.stderr()}`).toEqual({
    code,
    signal: null,
  })
  return peer.stdoutText().trimEnd().split('\n')
}

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex')

function info(transport: Transport | undefined): Transport<TCPExtraInfo> {
  if (transport === undefined) {
    throw new Error('no transport')
  }
  return transport as Transport<TCPExtraInfo>
}

/**
 * Answers its first line with `bye\n` and a TLS half-close (close_notify), and keeps reading:
 * its side stays open at the peer's EOF too, so that only the peer ends the connection.
 */
class ByeThenEof extends Recorder {
  #answered = false

  constructor() {
    super()
    this.keepOpenOnEof = true
  }

  override dataReceived(data: Uint8Array): void {
    super.dataReceived(data)
    if (!this.#answered && this.received.includes('\n')) {
      this.#answered = true
      this.transport?.write(Buffer.from('bye\n'))
      this.transport?.writeEof()
    }
  }
}

describe('an asyncio ssl= client against a wirekit TLS server', () => {
  it('gets a byte-exact echo of 1 byte to 1 MiB; asyncio cannot write_eof over TLS', async () => {
    const { server, protocols } = await serveCollecting(cleanup, () => new EchoRecorder(), {
      tls: serverTLS,
    })
    const peer = python(
      cleanup,
      'echo-client',
      portOf(server),
      '--ca',
      caPath,
      '--sizes',
      SIZES.join(','),
    )
    const lines = await linesAtExit(peer, 0)
    expect(lines).toEqual([
      'connected TLSv1.3 alpn None can_write_eof False',
      ...SIZES.map((size) => `echo ${size} ok`),
      expect.stringMatching(/^sent-sha256 [0-9a-f]{64}$/),
      // asyncio's SSL transport has no half-close: can_write_eof() is False, write_eof() raises.
      'write_eof NotImplementedError',
      'closed',
    ])
    const [echo] = protocols
    await echo?.waitFor('connectionLost')
    // What we received is what asyncio sent, byte for byte.
    expect(`sent-sha256 ${sha256(echo?.received ?? new Uint8Array())}`).toBe(lines.at(-3))
    // asyncio's close() sends close_notify: our side sees EOF, then a clean loss.
    expect(echo?.names.slice(-2)).toEqual(['eofReceived', 'connectionLost'])
    expect(echo?.lostError).toBeUndefined()
    expect(info(echo?.transport).getExtraInfo('tlsProtocol')).toBe('TLSv1.3')
  })

  it('reads to our close_notify (writeEof), then shuts down: asyncio has no TLS half-close', async () => {
    const { server, protocols } = await serveCollecting(cleanup, () => new ByeThenEof(), {
      tls: serverTLS,
    })
    const peer = python(cleanup, 'eof-client', portOf(server), '--ca', caPath)
    const lines = await linesAtExit(peer, 0)
    expect(lines).toEqual([
      // asyncio saw our half-close as EOF after the reply...
      'read-to-eof bye at_eof True',
      // ...and answered it by closing its side: its later write goes nowhere.
      'closing-after-eof True',
      'closed',
    ])
    const [bye] = protocols
    await bye?.waitFor('connectionLost')
    expect(bye?.received.toString()).toBe('hello\n')
    expect(bye?.names.slice(-2)).toEqual(['eofReceived', 'connectionLost'])
    expect(bye?.lostError).toBeUndefined()
  })

  describe('client certificates (requestCert)', () => {
    const requiring: TLSServerOptions = { ...serverTLS, ca, requestCert: true }

    it('an asyncio client with a certificate the CA signed is let in, and seen', async () => {
      const { server, protocols } = await serveCollecting(cleanup, () => new EchoRecorder(), {
        tls: requiring,
      })
      const peer = python(
        cleanup,
        'echo-client',
        portOf(server),
        '--ca',
        caPath,
        '--cert',
        testCertificatePath('client', 'cert'),
        '--key',
        testCertificatePath('client', 'key'),
        '--sizes',
        '1,4096',
      )
      const lines = await linesAtExit(peer, 0)
      expect(lines.slice(1, 3)).toEqual(['echo 1 ok', 'echo 4096 ok'])
      const t = info(protocols[0]?.transport)
      expect(t.getExtraInfo('authorized')).toBe(true)
      expect(t.getExtraInfo('peercert')?.subject.CN).toBe('wirekit test client')
    })

    it('an asyncio client without one is refused: it sees the alert, no protocol is made', async () => {
      const warnings: string[] = []
      const { server, protocols } = await serveCollecting(cleanup, () => new EchoRecorder(), {
        tls: requiring,
        onWarning: (message) => warnings.push(message),
      })
      const peer = python(cleanup, 'echo-client', portOf(server), '--ca', caPath)
      const lines = await linesAtExit(peer, 1)
      // TLS 1.3: the client's handshake is done before the server has checked it, so asyncio
      // connects, then its first read gets the server's alert.
      expect(lines.at(-1)).toBe('error SSLError TLSV13_ALERT_CERTIFICATE_REQUIRED')
      await expect.poll(() => server.handshakeFailureCount).toBe(1)
      expect(protocols).toEqual([])
      expect(warnings).toEqual([
        expect.stringMatching(
          /^TLS handshake with 127\.0\.0\.1 port \d+ failed: peer did not return a certificate \(ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE\)$/,
        ),
      ])
    })
  })

  describe('ALPN', () => {
    it('agrees on a protocol both offer', async () => {
      const { server, protocols } = await serveCollecting(cleanup, () => new EchoRecorder(), {
        tls: { ...serverTLS, ALPNProtocols: ['echo', 'h2'] },
      })
      const peer = python(cleanup, 'echo-client', portOf(server), '--ca', caPath, '--alpn', 'h2')
      const lines = await linesAtExit(peer, 0)
      expect(lines[0]).toBe('connected TLSv1.3 alpn h2 can_write_eof False')
      expect(info(protocols[0]?.transport).getExtraInfo('alpnProtocol')).toBe('h2')
    })

    it('refuses a client whose protocols it does not speak (Node sends no_application_protocol)', async () => {
      const warnings: string[] = []
      const { server, protocols } = await serveCollecting(cleanup, () => new EchoRecorder(), {
        tls: { ...serverTLS, ALPNProtocols: ['echo'] },
        onWarning: (message) => warnings.push(message),
      })
      const peer = python(cleanup, 'echo-client', portOf(server), '--ca', caPath, '--alpn', 'h2')
      const lines = await linesAtExit(peer, 1)
      expect(lines.at(-1)).toMatch(/^error SSLError .*tlsv1 alert no application protocol/)
      await expect.poll(() => server.handshakeFailureCount).toBe(1)
      expect(protocols).toEqual([])
      expect(warnings).toEqual([
        expect.stringMatching(/no application protocol \(ERR_SSL_NO_APPLICATION_PROTOCOL\)$/),
      ])
    })
  })
})

describe('a wirekit TLS client against an asyncio ssl= server', () => {
  // One Python process serves all the tests of this block, one listener per certificate.
  const shared = new Cleanup()
  const ports = new Map<string, number>()
  let asyncio: PeerProcess | undefined
  const NAMES = ['server', 'other-server', 'expired', 'self-signed']

  beforeAll(async () => {
    asyncio = python(
      shared,
      'echo-server',
      '--certs',
      certificatesFolder,
      '--names',
      NAMES.join(','),
      '--alpn',
      'echo,h2',
    )
    await asyncio.waitFor(new RegExp(`^listening ${NAMES.at(-1) ?? ''} \\d+$`, 'm'))
    for (const [, name, port] of asyncio.stdoutText().matchAll(/^listening (\S+) (\d+)$/gm)) {
      ports.set(name ?? '', Number(port))
    }
  })
  afterAll(() => shared.run())

  async function connect(
    name: string,
    tls: Parameters<typeof createConnection>[1]['tls'] = { ca, servername: 'localhost' },
  ): Promise<Recorder> {
    const { protocol, transport } = await createConnection(() => new Recorder(), {
      host: '127.0.0.1',
      port: ports.get(name) ?? 0,
      tls,
    })
    cleanup.add(transport, (t) => {
      t.abort()
    })
    return protocol
  }

  it('gets its echo, and the reply asyncio writes at our EOF (our read side stays open)', async () => {
    const before = asyncio?.stdoutText().length ?? 0
    const client = await connect('server')
    const payload = randomBytes(256 * 1024)
    client.transport?.write(payload)
    await client.waitForBytes(payload.length)
    expect(sha256(client.received)).toBe(sha256(payload))
    // writeEof() sends close_notify; asyncio's eof_received answers before it closes its side.
    client.transport?.writeEof()
    await client.waitFor('connectionLost')
    expect(client.received.subarray(payload.length).toString()).toBe(
      `got ${payload.length} bytes\n`,
    )
    expect(client.names.slice(-2)).toEqual(['eofReceived', 'connectionLost'])
    expect(client.lostError).toBeUndefined()
    await asyncio?.waitFor(
      new RegExp(`^eof server ${payload.length}\\nlost server None$`, 'm'),
      'stdout',
      before,
    )
  })

  describe('refuses a certificate it cannot verify, with the code', () => {
    const cases: [string, string][] = [
      ['other-server', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
      ['expired', 'CERT_HAS_EXPIRED'],
      ['self-signed', 'DEPTH_ZERO_SELF_SIGNED_CERT'],
    ]
    for (const [name, code] of cases) {
      it(`${name}: ${code}`, async () => {
        let made = 0
        const attempt = createConnection(
          () => {
            made += 1
            return new Recorder()
          },
          { host: '127.0.0.1', port: ports.get(name) ?? 0, tls: { ca, servername: 'localhost' } },
        )
        await expect(attempt).rejects.toBeInstanceOf(TLSHandshakeError)
        await expect(attempt).rejects.toMatchObject({ code })
        expect(made).toBe(0)
      })
    }
  })

  it("uses the protocol asyncio's set_alpn_protocols selects, and none when none matches", async () => {
    const seen = (): number => asyncio?.stdoutText().length ?? 0
    let before = seen()
    const echo = await connect('server', { ca, servername: 'localhost', ALPNProtocols: ['echo'] })
    expect(info(echo.transport).getExtraInfo('alpnProtocol')).toBe('echo')
    await asyncio?.waitFor(/^connection server TLSv1\.3 alpn echo peer None$/m, 'stdout', before)
    // CPython's ALPN callback answers "no overlap" by carrying on without ALPN (Node's server
    // refuses the handshake instead: see the asyncio client's ALPN test above).
    before = seen()
    const other = await connect('server', { ca, servername: 'localhost', ALPNProtocols: ['h3'] })
    expect(info(other.transport).getExtraInfo('alpnProtocol')).toBe(false)
    await asyncio?.waitFor(/^connection server TLSv1\.3 alpn None peer None$/m, 'stdout', before)
  })
})

describe('STARTTLS with asyncio', () => {
  it('an asyncio client upgrades with StreamWriter.start_tls() on a wirekit server calling startTls', async () => {
    const { server, protocols } = await serveCollecting(
      cleanup,
      () => new StartTLSLineServer({ tls: serverTLS, ready: '220 ready' }),
    )
    const peer = python(
      cleanup,
      'starttls-client',
      portOf(server),
      '--ca',
      caPath,
      '--sizes',
      SIZES.join(','),
    )
    const lines = await linesAtExit(peer, 0)
    expect(lines).toEqual([
      'reply 220 ready',
      'upgraded TLSv1.3 alpn None',
      ...SIZES.map((size) => `echo ${size} ok`),
      expect.stringMatching(/^sent-sha256 [0-9a-f]{64}$/),
      'closed',
    ])
    const [upgrading] = protocols
    await upgrading?.waitFor('connectionLost')
    expect(upgrading?.commands).toEqual(['STARTTLS'])
    // asyncio waits for the reply before its ClientHello: nothing was read ahead.
    expect(upgrading?.readAheadSize).toBe(0)
    expect(`sent-sha256 ${sha256(Buffer.concat(upgrading?.overTLS ?? []))}`).toBe(lines.at(-2))
    expect(upgrading?.names.filter((name) => name === 'connectionMade')).toHaveLength(1)
    expect(upgrading?.secure?.getExtraInfo('tlsProtocol')).toBe('TLSv1.3')
    expect(upgrading?.lostError).toBeUndefined()
  })

  it('a wirekit client upgrades with startTls on an asyncio server calling loop.start_tls(server_side=True)', async () => {
    const asyncio = python(
      cleanup,
      'starttls-server',
      '--certs',
      certificatesFolder,
      '--names',
      'server',
    )
    const [, port] = await asyncio.waitFor(/^listening server (\d+)$/m)
    const { transport, protocol } = await createConnection(() => new Recorder(), {
      host: '127.0.0.1',
      port: Number(port),
    })
    cleanup.add(transport, (t) => {
      t.abort()
    })
    transport.write(Buffer.from('STARTTLS\r\n'))
    await protocol.waitForBytes(11)
    expect(protocol.received.toString()).toBe('220 ready\r\n')
    const secure = await startTls(transport, { ca, servername: 'localhost' })
    expect(secure.getExtraInfo('tlsProtocol')).toBe('TLSv1.3')
    expect(secure.getExtraInfo('authorized')).toBe(true)
    const payload = randomBytes(100_000)
    secure.write(payload)
    await protocol.waitForBytes(11 + payload.length)
    expect(sha256(protocol.received.subarray(11))).toBe(sha256(payload))
    secure.close()
    await protocol.waitFor('connectionLost')
    expect(protocol.lostError).toBeUndefined()
    expect(protocol.names.filter((name) => name === 'connectionMade')).toHaveLength(1)
    await asyncio.waitFor(/^eof\nlost None$/m)
    expect(asyncio.stdoutText()).toMatch(/^command STARTTLS read-ahead 0$/m)
    expect(asyncio.stdoutText()).toMatch(/^upgraded TLSv1\.3 alpn None$/m)
  })
})
