import { createHash, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { connect } from 'node:net'
import {
  planHAProxyTests,
  startHAProxy,
  type HAProxyFrontend,
  type HAProxyInstance,
} from '@wirekit/app-support/testing'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from './run-app.ts'

// CI sets WIREKIT_REQUIRE_HAPROXY=1: a missing haproxy fails there instead of skipping.
const plan = planHAProxyTests('echo-server')

let server: RunningServer | undefined
let haproxy: HAProxyInstance | undefined
afterEach(async () => {
  await haproxy?.stop()
  haproxy = undefined
  server?.child.kill('SIGKILL')
  await server?.exit()
  server = undefined
})

/** The built echo-server behind a real HAProxy, one frontend per entry. */
async function behindHAProxy(
  frontends: readonly Omit<HAProxyFrontend, 'server'>[],
): Promise<{ server: RunningServer; ports: readonly number[] }> {
  server = await startServer([
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--proxy-protocol',
    '--trusted-proxy',
    '127.0.0.1',
  ])
  const backend = { host: '127.0.0.1', port: server.port }
  haproxy = await startHAProxy(frontends.map((frontend) => ({ ...frontend, server: backend })))
  return { server, ports: haproxy.ports }
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex')

/** Sends the bytes through HAProxy, half-closes, and gives back the echo and the client's address. */
async function exchange(
  host: string,
  port: number,
  payload: Buffer,
): Promise<{ echo: Buffer; address: string; port: number }> {
  const socket = connect({ host, port, allowHalfOpen: true })
  await once(socket, 'connect')
  const local = { address: socket.localAddress ?? '', port: socket.localPort ?? 0 }
  const chunks: Buffer[] = []
  socket.on('data', (chunk: Buffer) => chunks.push(chunk))
  socket.end(payload)
  await once(socket, 'end')
  socket.destroy()
  return { echo: Buffer.concat(chunks), ...local }
}

describe.skipIf(!plan.run)(`echo-server behind a real HAProxy (${plan.reason})`, () => {
  beforeAll(() => {
    expect(plan.version, plan.reason).toBeDefined()
  })

  it.each([
    ['send-proxy', 1],
    ['send-proxy-v2', 2],
  ] as const)(
    '%s: the client’s own address in the log, over IPv4 and IPv6, and a byte-exact echo',
    async (serverOptions, version) => {
      const { server: echo, ports } = await behindHAProxy([
        { bind: '127.0.0.1', serverOptions },
        { bind: '::1', serverOptions },
      ])
      const payload = randomBytes(1024 * 1024)
      for (const [host, port] of [
        ['127.0.0.1', ports[0] ?? 0],
        ['::1', ports[1] ?? 0],
      ] as const) {
        const client = await exchange(host, port, payload)
        expect(client.echo.length).toBe(payload.length)
        expect(sha256(client.echo)).toBe(sha256(payload))
        // The logger is named after the client HAProxy relayed, not after HAProxy itself.
        const name = `EchoServer_${client.address}_${client.port}`
        await expect.poll(() => echo.log()).toContain(`${name}: closing\n`)
        expect(echo.log()).toContain(`${name}: connection accepted\n`)
        expect(echo.log()).toMatch(
          new RegExp(
            `^${name}: through the proxy 127\\.0\\.0\\.1 port \\d+ \\(PROXY v${version}\\)$`,
            'm',
          ),
        )
      }
      expect(echo.log()).not.toMatch(/PROXY header|ERROR/)
    },
  )

  it('takes send-proxy-v2 health checks as LOCAL connections and keeps serving clients', async () => {
    // Each check waits for its echo: the server reads every check's header before HAProxy
    // resets it (a check that only connects is often reset before the server reads a byte, and
    // then leaves no trace at all).
    const { server: echo, ports } = await behindHAProxy([
      {
        bind: '127.0.0.1',
        serverOptions: 'send-proxy-v2 check inter 100ms',
        backendLines: [
          // Without it a check's reply must come within inter (100 ms): a loaded machine misses
          // that. (Connecting still has min(timeout connect, inter): on loopback, at once.)
          'timeout check 5s',
          'option tcp-check',
          'tcp-check send ping\\n',
          'tcp-check expect string ping',
        ],
      },
    ])
    const healthCheck =
      /^EchoServer_127\.0\.0\.1_\d+: the proxy's own connection, such as a health check \(PROXY v2 LOCAL\)$/gm
    await expect
      .poll(() => echo.log().match(healthCheck)?.length ?? 0, { timeout: 10_000 })
      .toBeGreaterThanOrEqual(3)
    const client = await exchange('127.0.0.1', ports[0] ?? 0, Buffer.from('after the checks'))
    expect(client.echo.toString()).toBe('after the checks')
    expect(echo.log()).toMatch(
      /^EchoServer_127\.0\.0\.1_\d+: closing: the proxy reset its health check$/m,
    )
    // None is refused, from any address.
    expect(echo.log()).not.toMatch(/PROXY header|not a trusted proxy|ERROR/)
    expect(haproxy?.output()).not.toMatch(/is DOWN/)
  })
})
