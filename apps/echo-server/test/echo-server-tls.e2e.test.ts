import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createServer, type AddressInfo } from 'node:net'
import { join } from 'node:path'
import { connect, type ConnectionOptions } from 'node:tls'
import { testCertificate, testCertificatePath } from '@wirekit/test-certificates'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { run, serverBin, startServer, type RunningServer } from './run-app.ts'

const folder = mkdtempSync(join(tmpdir(), 'wirekit-echo-tls-'))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

const servers: RunningServer[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.child.kill('SIGKILL')
    await server.exit()
  }
})

const cert = testCertificatePath('server', 'cert')
const key = testCertificatePath('server', 'key')
const ca = testCertificatePath('ca', 'cert')
const TLS_ON =
  'main: TLS on: certificate CN=localhost (DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1), valid until 2126-11-02T01:57:11.000Z'

async function start(args: readonly string[]): Promise<RunningServer> {
  const server = await startServer(['--host', '127.0.0.1', '--port', '0', ...args])
  servers.push(server)
  return server
}

/**
 * Connects over TLS (trusting the test CA), sends the bytes, half-closes (close_notify), and
 * gives back everything received until the server's own close_notify.
 */
async function tlsExchange(
  port: number,
  payload: string,
  options: ConnectionOptions = {},
): Promise<string> {
  const socket = connect({
    host: '127.0.0.1',
    port,
    ca: testCertificate('ca').cert,
    ...options,
  })
  await once(socket, 'secureConnect')
  const chunks: Buffer[] = []
  socket.on('data', (chunk: Buffer) => chunks.push(chunk))
  socket.end(payload)
  await once(socket, 'end')
  socket.destroy()
  return Buffer.concat(chunks).toString()
}

/** The lines of a connection's logger, by the name of its first line. */
function connectionLines(log: string): string[] {
  const lines = log.trimEnd().split('\n')
  const name = /^(EchoServer_\S+): connection accepted$/m.exec(log)?.[1]
  return lines.filter((line) => name !== undefined && line.startsWith(`${name}: `))
}

describe('echo-server with --tls-cert and --tls-key (built, run as a user would)', () => {
  it("serves TLS with the seed's lines, and one line saying TLS is on", async () => {
    const server = await start(['--tls-cert', cert, '--tls-key', key])
    const message = 'This is the message. It will be sent in parts.'
    expect(await tlsExchange(server.port, message)).toBe(message)
    await expect.poll(() => server.log()).toMatch(/closing\n$/)
    const lines = server.log().trimEnd().split('\n')
    expect(lines.slice(0, 2)).toEqual([
      `main: starting up on 127.0.0.1 port ${server.port}`,
      TLS_ON,
    ])
    const name = /^(EchoServer_127\.0\.0\.1_\d+): /.exec(lines[2] ?? '')?.[1]
    expect(lines.slice(2)).toEqual([
      `${name}: connection accepted`,
      `${name}: received b'${message}'`,
      `${name}: sent b'${message}'`,
      `${name}: received EOF`,
      `${name}: closing`,
    ])
  })

  it('with --tls-require-client-cert refuses clients without a certificate from --tls-ca, and logs the one given', async () => {
    const server = await start([
      '--tls-cert',
      cert,
      '--tls-key',
      key,
      '--tls-ca',
      ca,
      '--tls-require-client-cert',
    ])
    await expect
      .poll(() => server.log())
      .toContain(`; client certificates required, signed by --tls-ca ${ca}\n`)

    // TLS 1.3: the client's handshake completes before the server has checked its certificate;
    // the server's alert then ends the connection (the client sees it as an error or as the
    // end) without a byte of echo, and no protocol is made for it.
    const refused = (options: ConnectionOptions): Promise<string> =>
      tlsExchange(server.port, 'let me in', options).catch(() => 'refused')
    expect(['refused', '']).toContain(await refused({}))
    await expect
      .poll(() => server.log())
      .toMatch(/main: TLS handshake with 127\.0\.0\.1 port \d+ failed: /)
    const stranger = testCertificate('other-server') // signed by another CA
    expect(['refused', '']).toContain(await refused({ cert: stranger.cert, key: stranger.key }))
    expect(server.log()).not.toContain('connection accepted')

    const client = testCertificate('client')
    expect(
      await tlsExchange(server.port, 'with a certificate', { cert: client.cert, key: client.key }),
    ).toBe('with a certificate')
    await expect.poll(() => server.log()).toMatch(/closing\n$/)
    expect(
      connectionLines(server.log())
        .slice(0, 3)
        .map((line) => line.replace(/^\S+: /, '')),
    ).toEqual([
      'connection accepted',
      'client certificate: CN=wirekit test client',
      "received b'with a certificate'",
    ])
  })

  it('warns at startup when its certificate has expired (clients will refuse it)', async () => {
    const expired = testCertificatePath('expired', 'cert')
    const server = await start([
      '--tls-cert',
      expired,
      '--tls-key',
      testCertificatePath('expired', 'key'),
    ])
    await expect
      .poll(() => server.log())
      .toContain(
        `main: the certificate in --tls-cert ${expired} expired on 2001-01-01T00:00:00.000Z: clients will refuse it\n`,
      )
  })

  const missing = join(folder, 'missing.pem')
  const text = join(folder, 'text.pem')
  writeFileSync(text, 'not PEM at all\n')
  const clientKey = testCertificatePath('client', 'key')

  it.each([
    [
      'a missing certificate',
      ['--tls-cert', missing, '--tls-key', key],
      `error: cannot read --tls-cert ${missing}: no such file or directory (ENOENT)`,
    ],
    [
      'a folder as the key',
      ['--tls-cert', cert, '--tls-key', folder],
      `error: cannot read --tls-key ${folder}: illegal operation on a directory (EISDIR)`,
    ],
    [
      'a certificate that is not PEM',
      ['--tls-cert', text, '--tls-key', key],
      `error: --tls-cert ${text} is not a PEM certificate: no "-----BEGIN CERTIFICATE-----" block in it`,
    ],
    [
      'a key and certificate swapped',
      ['--tls-cert', key, '--tls-key', cert],
      `error: --tls-cert ${key} is not a PEM certificate: it holds a private key (were --tls-cert and --tls-key swapped?)`,
    ],
    [
      'a key of another certificate',
      ['--tls-cert', cert, '--tls-key', clientKey],
      `error: --tls-key ${clientKey} does not match the certificate in --tls-cert ${cert}`,
    ],
    [
      'a CA file that is not PEM',
      ['--tls-cert', cert, '--tls-key', key, '--tls-ca', text, '--tls-require-client-cert'],
      `error: --tls-ca ${text} is not a PEM certificate: no "-----BEGIN CERTIFICATE-----" block in it`,
    ],
  ])('refuses %s before listening: exit 2, one line', async (_label, args, line) => {
    // The port is taken: a server that listened before checking its files would exit 1 with
    // EADDRINUSE instead.
    const taken = createServer().listen(0, '127.0.0.1')
    await once(taken, 'listening')
    const { port } = taken.address() as AddressInfo
    const { code, stderr } = await run([
      serverBin,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      ...args,
    ])
    taken.close()
    expect(code).toBe(2)
    expect(stderr).toBe(`${line}\n`)
  })
})
