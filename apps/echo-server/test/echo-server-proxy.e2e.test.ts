import { once } from 'node:events'
import { connect, type Socket } from 'node:net'
import { connect as connectTLS } from 'node:tls'
import { encodeProxyHeaderV1, encodeProxyHeaderV2 } from '@wirekit/proxy-protocol'
import { testCertificate, testCertificatePath } from '@wirekit/test-certificates'
import { afterEach, describe, expect, it } from 'vitest'
import { run, serverBin, startServer, type RunningServer } from './run-app.ts'

const servers: RunningServer[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.child.kill('SIGKILL')
    await server.exit()
  }
})

async function start(
  trusted: readonly string[],
  args: readonly string[] = [],
): Promise<RunningServer> {
  const server = await startServer([
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--proxy-protocol',
    ...trusted.flatMap((proxy) => ['--trusted-proxy', proxy]),
    ...args,
  ])
  servers.push(server)
  return server
}

/** Reads until the socket closes (a reset too: refused connections are cut); the text received. */
async function readToEnd(socket: Socket): Promise<string> {
  const chunks: Buffer[] = []
  socket.on('data', (chunk: Buffer) => chunks.push(chunk))
  socket.on('error', () => undefined)
  await new Promise((resolve) => socket.once('close', resolve))
  return Buffer.concat(chunks).toString()
}

/**
 * Plays the balancer: connects from 127.0.0.1, sends the header and the client's bytes in one
 * write (as HAProxy may), half-closes, and gives back the echo and its own port.
 */
async function throughProxy(
  port: number,
  header: Uint8Array,
  payload: string,
): Promise<{ echo: string; proxyPort: number }> {
  const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true })
  await once(socket, 'connect')
  const proxyPort = socket.localPort ?? 0
  socket.end(Buffer.concat([header, Buffer.from(payload)]))
  return { echo: await readToEnd(socket), proxyPort }
}

/** The lines the connection named `name` logged, without the name. */
function linesOf(log: string, name: string): string[] {
  return log
    .split('\n')
    .filter((line) => line.startsWith(`${name}: `))
    .map((line) => line.slice(name.length + 2))
}

const client = { family: 'IPv4', address: '203.0.113.7', port: 40000 } as const
const frontend = { family: 'IPv4', address: '192.0.2.1', port: 10000 } as const

describe('echo-server --proxy-protocol (built, with a client that plays the balancer)', () => {
  it('logs the real client from a v1 header, and the proxy it came through', async () => {
    const server = await start(['127.0.0.1'])
    await expect
      .poll(() => server.log())
      .toContain('main: PROXY protocol on: headers taken from 127.0.0.1 only\n')
    const header = encodeProxyHeaderV1({ source: client, destination: frontend })
    const { echo, proxyPort } = await throughProxy(server.port, header, 'from behind')
    expect(echo).toBe('from behind')
    await expect.poll(() => server.log()).toMatch(/closing\n$/)
    expect(linesOf(server.log(), 'EchoServer_203.0.113.7_40000')).toEqual([
      'connection accepted',
      `through the proxy 127.0.0.1 port ${proxyPort} (PROXY v1)`,
      "received b'from behind'",
      "sent b'from behind'",
      'received EOF',
      'closing',
    ])
  })

  it('logs the real IPv6 client from a v2 header; the bytes after the header are the data', async () => {
    const server = await start(['10.0.0.0/8', '127.0.0.0/8'])
    const header = encodeProxyHeaderV2({
      source: { family: 'IPv6', address: '2001:db8::7', port: 40001 },
      destination: { family: 'IPv6', address: '2001:db8::1', port: 443 },
    })
    const binary = '\r\n\r\n\0\r\nQUIT\n' // the v2 signature's bytes, as data this time
    const { echo, proxyPort } = await throughProxy(server.port, header, binary)
    expect(echo).toBe(binary)
    await expect.poll(() => server.log()).toMatch(/closing\n$/)
    expect(linesOf(server.log(), 'EchoServer_2001:db8::7_40001').slice(0, 3)).toEqual([
      'connection accepted',
      `through the proxy 127.0.0.1 port ${proxyPort} (PROXY v2)`,
      String.raw`received b'\r\n\r\n\x00\r\nQUIT\n'`,
    ])
  })

  it("accepts a v2 LOCAL header (a health check) under the proxy's own address", async () => {
    const server = await start(['127.0.0.1'])
    const { echo, proxyPort } = await throughProxy(
      server.port,
      encodeProxyHeaderV2({ command: 'local' }),
      'ping',
    )
    expect(echo).toBe('ping')
    await expect.poll(() => server.log()).toMatch(/closing\n$/)
    expect(linesOf(server.log(), `EchoServer_127.0.0.1_${proxyPort}`).slice(0, 2)).toEqual([
      'connection accepted',
      "the proxy's own connection, such as a health check (PROXY v2 LOCAL)",
    ])
  })

  it("takes a health check's reset quietly, and still logs a client's reset as an ERROR", async () => {
    const server = await start(['127.0.0.1'])
    /** Sends the header, waits for the protocol to exist (its second line), then resets. */
    const resetAfter = async (header: Uint8Array, name?: string): Promise<number> => {
      const socket = connect({ host: '127.0.0.1', port: server.port })
      await once(socket, 'connect')
      const port = socket.localPort ?? 0
      socket.write(header)
      const named = name ?? `EchoServer_127.0.0.1_${port}`
      await expect.poll(() => server.log()).toMatch(new RegExp(`^${named}: (the|through) `, 'm'))
      socket.resetAndDestroy()
      return port
    }
    const check = await resetAfter(encodeProxyHeaderV2({ command: 'local' }))
    await expect
      .poll(() => server.log())
      .toContain(`EchoServer_127.0.0.1_${check}: closing: the proxy reset its health check\n`)
    await resetAfter(
      encodeProxyHeaderV2({ source: client, destination: frontend }),
      'EchoServer_203.0.113.7_40000',
    )
    await expect
      .poll(() => server.log())
      .toMatch(/^EchoServer_203\.0\.113\.7_40000: ERROR: .*ECONNRESET/m)
  })

  it('refuses a header from an address that is not a trusted proxy: closed, warned, no echo', async () => {
    const server = await start(['10.0.0.0/8', '::1'])
    const header = encodeProxyHeaderV1({ source: client, destination: frontend })
    const { echo, proxyPort } = await throughProxy(server.port, header, 'forged')
    expect(echo).toBe('')
    await expect
      .poll(() => server.log())
      .toContain(
        `main: refused a PROXY header from 127.0.0.1 port ${proxyPort}: not a trusted proxy\n`,
      )
    expect(server.log()).not.toContain('connection accepted')
  })

  it('refuses a connection without a header: closed, warned, no echo', async () => {
    const server = await start(['127.0.0.1'])
    const { echo } = await throughProxy(server.port, new Uint8Array(), 'GET / HTTP/1.1\r\n\r\n')
    expect(echo).toBe('')
    await expect
      .poll(() => server.log())
      .toMatch(/main: invalid PROXY header: .+\(from 127\.0\.0\.1 port \d+\)\n/)
    expect(server.log()).not.toContain('connection accepted')
  })

  it('takes the header first, then TLS, and logs the real client over TLS', async () => {
    const server = await start(
      ['127.0.0.1'],
      [
        '--tls-cert',
        testCertificatePath('server', 'cert'),
        '--tls-key',
        testCertificatePath('server', 'key'),
      ],
    )
    const raw = connect({ host: '127.0.0.1', port: server.port })
    await once(raw, 'connect')
    raw.write(encodeProxyHeaderV2({ source: client, destination: frontend }))
    const socket = connectTLS({
      socket: raw,
      servername: 'localhost',
      ca: testCertificate('ca').cert,
    })
    await once(socket, 'secureConnect')
    socket.end('secret')
    expect(await readToEnd(socket)).toBe('secret')
    await expect.poll(() => server.log()).toMatch(/closing\n$/)
    expect(linesOf(server.log(), 'EchoServer_203.0.113.7_40000').slice(2)).toEqual([
      "received b'secret'",
      "sent b'secret'",
      'received EOF',
      'closing',
    ])
  })

  it('needs --trusted-proxy: --proxy-protocol alone is a usage error (exit 2)', async () => {
    const { code, stderr } = await run([serverBin, '--proxy-protocol'])
    expect(code).toBe(2)
    expect(stderr.split('\n')[0]).toBe(
      'error: --proxy-protocol needs --trusted-proxy: the balancers allowed to send the header',
    )
  })
})
