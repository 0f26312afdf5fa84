import tls from 'node:tls'
import { afterEach, describe, expect, it } from 'vitest'
import { testCertificate, testCertificatePath } from '@wirekit/test-certificates'
import type { Transport } from '@wirekit/protocol-core'
import { createConnection, type TCPExtraInfo, type TLSServerOptions } from '../src/index.ts'
import { EchoRecorder } from './echo-recorder.ts'
import { Cleanup, portOf, serveCollecting } from './helpers.ts'
import { missingPeer, startPeer } from './peer-process.ts'

// Failed handshakes as real peers cause them: a plaintext client (socat) on the TLS port, and an
// openssl s_client that only speaks TLS 1.1. Each is skipped, with the reason, where its peer is
// not installed.
const noSocat = missingPeer('the socat interop test', 'socat', ['-V'])
const noOpenSSL = missingPeer('the openssl s_client -tls1_1 tests', 'openssl', ['version'])

const cleanup = new Cleanup()
afterEach(() => cleanup.run())

const serverTLS: TLSServerOptions = testCertificate('server')

async function tlsServer(
  options: TLSServerOptions,
): Promise<Awaited<ReturnType<typeof serveCollecting<EchoRecorder>>> & { warnings: string[] }> {
  const warnings: string[] = []
  const served = await serveCollecting(cleanup, () => new EchoRecorder(), {
    tls: options,
    onWarning: (message) => warnings.push(message),
  })
  return { ...served, warnings }
}

describe.skipIf(noSocat !== undefined)('a plaintext client (socat) on the TLS port', () => {
  it('is closed without a protocol, counted, and reported in one line for all of them', async () => {
    const { server, protocols, warnings } = await tlsServer(serverTLS)
    const inputs = ['GET / HTTP/1.0\r\n\r\n', 'HELO plaintext\r\n', 'GET / HTTP/1.1\r\n\r\n']
    for (const input of inputs) {
      const socat = startPeer(cleanup, 'socat', ['-', `TCP:127.0.0.1:${portOf(server)}`])
      socat.child.stdin.end(input)
      // socat ends when we close: nothing comes back, not even an alert.
      expect(await socat.exited).toEqual({ code: 0, signal: null })
      expect(socat.stdout()).toHaveLength(0)
    }
    await expect.poll(() => server.handshakeFailureCount).toBe(inputs.length)
    expect(protocols).toEqual([])
    // Rate-limited: the first failure is reported, the others wait for the next line (10 s on).
    expect(warnings).toEqual([
      expect.stringMatching(
        /^TLS handshake with 127\.0\.0\.1 port \d+ failed: http request \(ERR_SSL_HTTP_REQUEST\)$/,
      ),
    ])
    // A real client is served all the same.
    const { protocol, transport } = await createConnection(() => new EchoRecorder(), {
      host: '127.0.0.1',
      port: portOf(server),
      tls: { ca: testCertificate('ca').cert, servername: 'localhost' },
    })
    cleanup.add(transport, (t) => {
      t.abort()
    })
    expect(transport.getExtraInfo('tlsProtocol')).toBe('TLSv1.3')
    expect(protocol.names).toEqual(['connectionMade'])
  })
})

describe.skipIf(noOpenSSL !== undefined)('openssl s_client -tls1_1', () => {
  // OpenSSL 3 allows TLS 1.1 only at security level 0 (its signatures use SHA-1): the client
  // needs -cipher 'DEFAULT:@SECLEVEL=0', and so does our server, so that only the minimum
  // version decides. Node's own default minimum is lowered too (as `node --tls-min-v1.0` does):
  // our server must keep TLS 1.2 by itself.
  const legacy = { ...serverTLS, ciphers: 'DEFAULT:@SECLEVEL=0' }
  const defaultMinimum = tls.DEFAULT_MIN_VERSION

  function sClientTLS11(port: number, ...extra: string[]): ReturnType<typeof startPeer> {
    const peer = startPeer(cleanup, 'openssl', [
      's_client',
      '-connect',
      `127.0.0.1:${port}`,
      '-servername',
      'localhost',
      '-CAfile',
      testCertificatePath('ca', 'cert'),
      '-tls1_1',
      '-quiet',
      '-no_ign_eof',
      '-nocommands',
      ...extra,
    ])
    return peer
  }

  afterEach(() => {
    tls.DEFAULT_MIN_VERSION = defaultMinimum
  })

  it('is refused with a protocol_version alert: TLS 1.2 is the minimum', async () => {
    tls.DEFAULT_MIN_VERSION = 'TLSv1'
    const { server, protocols, warnings } = await tlsServer(legacy)
    const peer = sClientTLS11(portOf(server), '-cipher', 'DEFAULT:@SECLEVEL=0')
    expect(await peer.exited).toEqual({ code: 1, signal: null })
    expect(peer.stderr()).toMatch(/tlsv1 alert protocol version/)
    await expect.poll(() => server.handshakeFailureCount).toBe(1)
    expect(protocols).toEqual([])
    expect(warnings).toEqual([
      expect.stringMatching(/unsupported protocol \(ERR_SSL_UNSUPPORTED_PROTOCOL\)$/),
    ])
  })

  it('is refused the same at its default security level, which still offers TLS 1.1', async () => {
    const { server, protocols } = await tlsServer(serverTLS)
    const peer = sClientTLS11(portOf(server))
    expect(await peer.exited).toEqual({ code: 1, signal: null })
    expect(peer.stderr()).toMatch(/tlsv1 alert protocol version/)
    await expect.poll(() => server.handshakeFailureCount).toBe(1)
    expect(protocols).toEqual([])
  })

  it('(the control) gets TLS 1.1 from a server that lowers its minimum on purpose', async () => {
    tls.DEFAULT_MIN_VERSION = 'TLSv1'
    const { server, protocols } = await tlsServer({ ...legacy, minVersion: 'TLSv1.1' })
    const peer = sClientTLS11(portOf(server), '-cipher', 'DEFAULT:@SECLEVEL=0')
    peer.child.stdin.write('old')
    await peer.waitForStdoutBytes(3)
    expect(peer.stdoutText()).toBe('old')
    peer.child.stdin.end()
    expect(await peer.exited).toEqual({ code: 0, signal: null })
    expect(server.handshakeFailureCount).toBe(0)
    const transport = protocols[0]?.transport as Transport<TCPExtraInfo> | undefined
    expect(transport?.getExtraInfo('tlsProtocol')).toBe('TLSv1.1')
  })
})
