import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { testCertificatePath } from '@wirekit/test-certificates'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { clientBin, runNode, serverBin, startProcess, type StartedProcess } from './apps.ts'

const folder = mkdtempSync(join(tmpdir(), 'wirekit-client-tls-'))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

const running: StartedProcess[] = []
afterEach(async () => {
  for (const process of running.splice(0)) {
    process.kill()
    await process.finished
  }
})

const ca = testCertificatePath('ca', 'cert')

/** Starts the built echo-server on 127.0.0.1 with `args`; gives it and its port. */
async function echoServer(
  args: readonly string[],
): Promise<{ port: number; server: StartedProcess }> {
  const server = startProcess(process.execPath, [
    serverBin,
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    ...args,
  ])
  running.push(server)
  const port = Number(await server.waitForStderr(/^main: starting up on \S+ port (\d+)$/m))
  return { port, server }
}

/** The built echo-server with the test CA's server certificate (or another one). */
function tlsServer(name: 'server' | 'expired' = 'server', extra: readonly string[] = []) {
  return echoServer([
    '--tls-cert',
    testCertificatePath(name, 'cert'),
    '--tls-key',
    testCertificatePath(name, 'key'),
    ...extra,
  ])
}

function client(port: number, args: readonly string[]) {
  return runNode([clientBin, '--host', '127.0.0.1', '--port', String(port), '--tls', ...args])
}

describe('echo-client --tls (built, against the built echo-server with TLS)', () => {
  it("runs the seed's exchange over TLS with the seed's lines and one saying TLS is on; exit 0", async () => {
    const { port } = await tlsServer()
    const { code, stderr } = await client(port, ['--tls-ca', ca, 'over ', 'TLS'])
    expect(code).toBe(0)
    const lines = stderr.trimEnd().split('\n')
    expect(lines.slice(0, 5)).toEqual([
      'main: waiting for client to complete',
      `EchoClient: connecting to 127.0.0.1 port ${port}`,
      expect.stringMatching(
        /^EchoClient: TLS on: TLSv1\.3 with \S+, server certificate CN=localhost verified$/,
      ) as unknown as string,
      "EchoClient: sending b'over '",
      "EchoClient: sending b'TLS'",
    ])
    expect(lines.slice(-2)).toEqual(['EchoClient: received EOF', 'main: closing event loop'])
  })

  it.each([
    [
      'a server whose CA it does not trust (the system CAs by default)',
      [],
      'the certificate is not signed by a trusted CA (UNABLE_TO_VERIFY_LEAF_SIGNATURE)',
    ],
    [
      'a server whose CA is another',
      ['--tls-ca', testCertificatePath('other-ca', 'cert')],
      'the certificate is not signed by a trusted CA (UNABLE_TO_VERIFY_LEAF_SIGNATURE)',
    ],
    [
      'a certificate for another name',
      ['--tls-ca', ca, '--tls-servername', 'alt.localhost'],
      'the certificate is not for this name (ERR_TLS_CERT_ALTNAME_INVALID)',
    ],
  ])('refuses %s: exit 1, one line', async (_label, args, reason) => {
    const { port } = await tlsServer()
    const { code, stderr } = await client(port, args)
    expect(code).toBe(1)
    expect(stderr).toBe(
      `main: waiting for client to complete\nerror: TLS handshake with 127.0.0.1 port ${port} failed: ${reason}\n`,
    )
  })

  it('refuses an expired server certificate: exit 1, one line', async () => {
    const { port } = await tlsServer('expired')
    const { code, stderr } = await client(port, ['--tls-ca', ca])
    expect(code).toBe(1)
    expect(stderr.trimEnd().split('\n').at(-1)).toBe(
      `error: TLS handshake with 127.0.0.1 port ${port} failed: the certificate has expired (CERT_HAS_EXPIRED)`,
    )
  })

  it('fails with one line against a plaintext server (which echoes its ClientHello back)', async () => {
    const { port } = await echoServer(['--log-level', 'info'])
    const { code, stderr } = await client(port, ['--tls-ca', ca])
    expect(code).toBe(1)
    const lines = stderr.trimEnd().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[1]).toMatch(
      new RegExp(`^error: TLS handshake with 127\\.0\\.0\\.1 port ${port} failed: `),
    )
  })

  it('shows its certificate to a server that requires one: refused without, served with', async () => {
    const { port, server } = await tlsServer('server', [
      '--tls-ca',
      ca,
      '--tls-require-client-cert',
    ])
    const without = await client(port, ['--tls-ca', ca])
    expect(without.code).toBe(1)
    expect(without.stderr.trimEnd().split('\n').at(-1)).toMatch(/^error: .*certificate required/)
    const withCertificate = await client(port, [
      '--tls-ca',
      ca,
      '--tls-cert',
      testCertificatePath('client', 'cert'),
      '--tls-key',
      testCertificatePath('client', 'key'),
    ])
    expect(withCertificate.code).toBe(0)
    expect(server.stderr()).toMatch(/: client certificate: CN=wirekit test client$/m)
  })

  const text = join(folder, 'text.pem')
  writeFileSync(text, 'hello\n')
  const missing = join(folder, 'missing.pem')
  it.each([
    [
      ['--tls-ca', missing],
      `error: cannot read --tls-ca ${missing}: no such file or directory (ENOENT)`,
    ],
    [
      ['--tls-ca', text],
      `error: --tls-ca ${text} is not a PEM certificate: no "-----BEGIN CERTIFICATE-----" block in it`,
    ],
    [
      [
        '--tls-cert',
        testCertificatePath('client', 'cert'),
        '--tls-key',
        testCertificatePath('server', 'key'),
      ],
      `error: --tls-key ${testCertificatePath('server', 'key')} does not match the certificate in --tls-cert ${testCertificatePath('client', 'cert')}`,
    ],
  ])('refuses unusable TLS files before connecting: exit 2, one line (%#)', async (args, line) => {
    // Port 1: nothing is listening there, and the client never gets that far.
    const { code, stderr } = await client(1, args)
    expect(code).toBe(2)
    expect(stderr).toBe(`${line}\n`)
  })
})
