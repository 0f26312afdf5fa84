import { execFileSync, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect as connectTLS } from 'node:tls'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createProxyHeaderParser, type ProxyHeader, type ProxyHeaderResult } from '../src/index.ts'
import {
  findHAProxy,
  startHAProxy,
  type HAProxyFrontend,
  type HAProxyInstance,
} from '@wirekit/app-support/testing'

const version = findHAProxy()
const required = process.env.WIREKIT_REQUIRE_HAPROXY === '1'
// CI installs haproxy and sets WIREKIT_REQUIRE_HAPROXY=1 (passed through by turbo), so that a
// missing haproxy fails there instead of skipping.
const skipReason =
  'haproxy is not installed (apt-get update && apt-get install -y haproxy); with WIREKIT_REQUIRE_HAPROXY=1, as in CI, this fails instead'
if (version == null && !required) {
  process.stderr.write(`proxy-protocol: skipping the HAProxy interop tests: ${skipReason}\n`)
}
// The TLS test makes its certificate with the openssl CLI, which the haproxy package does not bring.
const openssl = spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0
const noOpenSSL = 'the openssl CLI is not installed (apt-get install -y openssl)'
if (version != null && !openssl && !required) {
  process.stderr.write(`proxy-protocol: skipping the HAProxy TLS test: ${noOpenSSL}\n`)
}

/** What a connection from HAProxy brought: the parser's result over all its bytes. */
interface Captured {
  readonly result: ProxyHeaderResult
  readonly bytes: Uint8Array
}

/** A plain TCP server that records each connection's bytes until it closes. */
class CaptureServer {
  readonly server: Server
  readonly #waiting: ((captured: Captured) => void)[] = []
  readonly #captured: Captured[] = []
  readonly #sockets = new Set<Socket>()

  constructor() {
    this.server = createServer({ allowHalfOpen: true }, (socket) => {
      this.#sockets.add(socket)
      const chunks: Buffer[] = []
      socket.on('data', (chunk: Buffer) => chunks.push(chunk))
      // HAProxy may reset a health check's connection rather than end it.
      socket.on('error', () => undefined)
      socket.on('end', () => socket.end())
      socket.on('close', () => {
        this.#sockets.delete(socket)
        const bytes = new Uint8Array(Buffer.concat(chunks))
        // Fed chunk by chunk as they came, as a transport would.
        const parser = createProxyHeaderParser()
        let result: ProxyHeaderResult = { status: 'need-more' }
        for (const chunk of chunks) {
          result = parser.push(chunk)
          if (result.status !== 'need-more') {
            break
          }
        }
        const captured = { result, bytes }
        const waiter = this.#waiting.shift()
        if (waiter == null) {
          this.#captured.push(captured)
        } else {
          waiter(captured)
        }
      })
    })
  }

  async listen(): Promise<number> {
    this.server.listen(0, '127.0.0.1')
    await once(this.server, 'listening')
    return (this.server.address() as AddressInfo).port
  }

  /** The next connection to close. */
  next(): Promise<Captured> {
    const captured = this.#captured.shift()
    return captured == null
      ? new Promise((resolve) => this.#waiting.push(resolve))
      : Promise.resolve(captured)
  }

  async close(): Promise<void> {
    this.server.close()
    for (const socket of this.#sockets) {
      socket.destroy()
    }
    await once(this.server, 'close')
  }
}

/** Waits for `connected`, sends `data`, ends, and waits for the connection to close. */
async function send(
  socket: Socket,
  data: string,
  connected: 'connect' | 'secureConnect' = 'connect',
): Promise<{ local: AddressInfo; remote: AddressInfo }> {
  socket.on('data', () => undefined)
  await once(socket, connected)
  const local = {
    address: socket.localAddress ?? '',
    family: socket.localFamily ?? '',
    port: socket.localPort ?? 0,
  }
  const remote = {
    address: socket.remoteAddress ?? '',
    family: socket.remoteFamily ?? '',
    port: socket.remotePort ?? 0,
  }
  socket.end(data)
  await once(socket, 'close')
  return { local, remote }
}

/** The header of a captured connection, and all the bytes after it as text. */
function doneHeader(captured: Captured): { header: ProxyHeader; rest: string } {
  const { result } = captured
  if (result.status !== 'done') {
    throw new Error(
      `expected a header, got ${JSON.stringify(result)} from ${JSON.stringify(Buffer.from(captured.bytes).toString('latin1'))}`,
    )
  }
  // HAProxy may send the header and the client's data in separate segments: the data is the done
  // chunk's rest followed by the chunks after it, i.e. everything after the header.
  const after = captured.bytes.subarray(result.headerLength)
  expect(after.subarray(0, result.rest.length)).toEqual(new Uint8Array(result.rest))
  return { header: result.header, rest: Buffer.from(after).toString('latin1') }
}

describe.skipIf(version == null && !required)(
  `PROXY headers sent by a real HAProxy (${version ?? skipReason})`,
  () => {
    let capture: CaptureServer
    let port: number
    let haproxy: HAProxyInstance | undefined

    async function start(frontends: Omit<HAProxyFrontend, 'server'>[]): Promise<readonly number[]> {
      haproxy = await startHAProxy(
        frontends.map((f) => ({ ...f, server: { host: '127.0.0.1', port } })),
      )
      return haproxy.ports
    }

    beforeAll(() => {
      // With WIREKIT_REQUIRE_HAPROXY=1 (CI), a missing haproxy fails instead of skipping.
      expect(version, skipReason).toBeDefined()
    })

    // Each test gets its own capture server and HAProxy, so nothing leaks between them.
    beforeEach(async () => {
      capture = new CaptureServer()
      port = await capture.listen()
    })

    afterEach(async () => {
      await haproxy?.stop()
      haproxy = undefined
      await capture.close()
    })

    it('send-proxy (v1) over IPv4 and IPv6: the client socket as source, the frontend as destination', async () => {
      const [v4 = 0, v6 = 0] = await start([
        { bind: '127.0.0.1', serverOptions: 'send-proxy' },
        { bind: '::1', serverOptions: 'send-proxy' },
      ])
      for (const [host, frontendPort, family] of [
        ['127.0.0.1', v4, 'IPv4'],
        ['::1', v6, 'IPv6'],
      ] as const) {
        const client = await send(connect(frontendPort, host), `hello over ${family}`)
        const { header, rest } = doneHeader(await capture.next())
        expect(header).toEqual({
          version: 1,
          command: 'proxy',
          family,
          transport: 'stream',
          source: { family, address: client.local.address, port: client.local.port },
          destination: { family, address: client.remote.address, port: client.remote.port },
          tlvs: [],
        })
        expect(rest).toBe(`hello over ${family}`)
      }
    })

    it('send-proxy-v2 over IPv4 and IPv6, with CRC32C and a unique id', async () => {
      const options = 'send-proxy-v2 proxy-v2-options crc32c,unique-id'
      const uniqueId = ['unique-id-format wirekit-%ci-%cp']
      const [v4 = 0, v6 = 0] = await start([
        { bind: '127.0.0.1', serverOptions: options, frontendLines: uniqueId },
        { bind: '::1', serverOptions: options, frontendLines: uniqueId },
      ])
      for (const [host, frontendPort, family] of [
        ['127.0.0.1', v4, 'IPv4'],
        ['::1', v6, 'IPv6'],
      ] as const) {
        const client = await send(connect(frontendPort, host), 'hello v2')
        const { header, rest } = doneHeader(await capture.next())
        expect(header).toMatchObject({
          version: 2,
          command: 'proxy',
          family,
          transport: 'stream',
          source: { family, address: client.local.address, port: client.local.port },
          destination: { family, address: client.remote.address, port: client.remote.port },
        })
        expect(header.tlvs).toEqual(
          expect.arrayContaining([
            { type: 'crc32c', value: expect.any(Number) as unknown },
            {
              type: 'unique-id',
              value: new TextEncoder().encode(
                `wirekit-${client.local.address}-${client.local.port}`,
              ),
            },
          ]),
        )
        expect(rest).toBe('hello v2')
      }
    })

    it('a health check with send-proxy-v2 arrives as a LOCAL header', async () => {
      await start([{ bind: '127.0.0.1', serverOptions: 'send-proxy-v2 check inter 100ms' }])
      const { header } = doneHeader(await capture.next())
      expect(header).toMatchObject({
        version: 2,
        command: 'local',
        source: undefined,
        destination: undefined,
      })
    })

    describe.skipIf(!openssl && !required)(
      `TLS at HAProxy (send-proxy-v2-ssl-cn)${openssl ? '' : `: ${noOpenSSL}`}`,
      () => {
        let certificates = ''
        beforeAll(() => {
          expect(openssl, noOpenSSL).toBe(true)
          certificates = mkdtempSync(join(tmpdir(), 'wirekit-haproxy-tls-'))
          execFileSync(
            'openssl',
            [
              'req',
              '-x509',
              '-newkey',
              'ec',
              '-pkeyopt',
              'ec_paramgen_curve:prime256v1',
              '-nodes',
              '-days',
              '1',
              '-subj',
              '/CN=wirekit.test',
              '-keyout',
              join(certificates, 'key.pem'),
              '-out',
              join(certificates, 'cert.pem'),
            ],
            { stdio: 'ignore' },
          )
          writeFileSync(
            join(certificates, 'site.pem'),
            readFileSync(join(certificates, 'cert.pem'), 'utf8') +
              readFileSync(join(certificates, 'key.pem'), 'utf8'),
          )
        })
        afterAll(() => rmSync(certificates, { recursive: true, force: true }))

        it('reports ALPN, SNI as AUTHORITY, and the SSL TLV with version, cipher and certificate algorithms', async () => {
          const [frontendPort = 0] = await start([
            {
              bind: '127.0.0.1',
              bindOptions: `ssl crt ${join(certificates, 'site.pem')} alpn h2,http/1.1`,
              serverOptions:
                'send-proxy-v2-ssl-cn proxy-v2-options ssl-cipher,cert-sig,cert-key,authority,crc32c',
            },
          ])
          const socket = connectTLS({
            host: '127.0.0.1',
            port: frontendPort,
            servername: 'wirekit.test',
            ALPNProtocols: ['h2'],
            rejectUnauthorized: false,
          })
          let tls = { version: '', cipher: '' }
          socket.once('secureConnect', () => {
            tls = { version: socket.getProtocol() ?? '', cipher: socket.getCipher().name }
          })
          const client = await send(socket, 'hello over TLS', 'secureConnect')
          const { header, rest } = doneHeader(await capture.next())
          expect(header.source).toEqual({
            family: 'IPv4',
            address: client.local.address,
            port: client.local.port,
          })
          const ssl = header.tlvs.find((tlv) => tlv.type === 'ssl')?.value
          expect(ssl).toMatchObject({
            clientSSL: true,
            clientCertConnection: false,
            clientCertSession: false,
            version: tls.version,
            cipher: tls.cipher,
            signatureAlgorithm: 'ecdsa-with-SHA256',
            keyAlgorithm: 'EC256',
          })
          expect(header.tlvs).toEqual(
            expect.arrayContaining([
              { type: 'alpn', value: new TextEncoder().encode('h2') },
              { type: 'authority', value: 'wirekit.test' },
              { type: 'crc32c', value: expect.any(Number) as unknown },
            ]),
          )
          expect(rest).toBe('hello over TLS')
        })
      },
    )
  },
)
