import { once } from 'node:events'
import { createServer as createNetServer, type Socket } from 'node:net'
import { Protocol, type Transport } from '@wirekit/protocol-core'
import { createServer, type TCPExtraInfo } from '@wirekit/transport-tcp'
import { afterEach, describe, expect, it } from 'vitest'
import type { LoadResult } from '../src/load-options.ts'
import { GENERATOR, runToEnd } from './child-processes.ts'

const closers: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) {
    await close()
  }
})

/** A node:net echo server that records, per connection, the bytes it got and whether it got EOF. */
async function plainEcho(endAfter?: number) {
  const connections: { bytes: number; eof: boolean }[] = []
  const server = createNetServer({ allowHalfOpen: true }, (socket: Socket) => {
    const seen = { bytes: 0, eof: false }
    connections.push(seen)
    socket.on('data', (chunk: Buffer) => {
      seen.bytes += chunk.length
      socket.write(chunk)
      if (endAfter !== undefined) {
        socket.end()
      }
    })
    socket.on('end', () => {
      seen.eof = true
      socket.end()
    })
    socket.on('error', () => undefined)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  closers.push(() => void server.close())
  const address = server.address()
  return { port: typeof address === 'object' && address != null ? address.port : 0, connections }
}

/** wirekit's TCP server with the PROXY protocol on, trusting 127.0.0.1: who it says the peers are. */
async function proxiedEcho() {
  const peers: string[] = []
  const versions: number[] = []
  class Echo extends Protocol {
    override connectionMade(transport: Transport): void {
      super.connectionMade(transport)
      const extra = transport as Transport<TCPExtraInfo>
      const peer = extra.getExtraInfo('peername')
      peers.push(peer?.address ?? '')
      versions.push(extra.getExtraInfo('proxyHeader')?.version ?? 0)
    }
    override dataReceived(data: Uint8Array): void {
      this.transport?.write(data)
    }
    override eofReceived(): boolean {
      this.transport?.writeEof()
      return true
    }
  }
  const server = await createServer(() => new Echo(), {
    host: '127.0.0.1',
    port: 0,
    proxyProtocol: { trusted: (address) => address === '127.0.0.1' },
    onWarning: () => undefined, // a refused connection is the point of one test
  })
  closers.push(() => server.close())
  return { port: server.addresses()[0]?.port ?? 0, peers, versions }
}

const load = (port: number, ...more: string[]) =>
  runToEnd(process.execPath, [
    GENERATOR,
    ...['--port', String(port), '--reconnect', '--warmup', '0', '--json'],
    ...['--connections', '4', '--size', '64'],
    ...more,
  ])

describe('echo-bench --reconnect', () => {
  it('opens a connection per request: one message, its echo, EOF both ways', async () => {
    const server = await plainEcho()
    const { code, stdout, stderr } = await load(server.port, '--count', '200')
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect((JSON.parse(stdout) as LoadResult).requests).toBe(200)
    // The 200 measured (and a few before measuring started) got one whole message and EOF; the
    // loops cut short when the count was reached may have sent less, never more.
    const whole = server.connections.filter((c) => c.eof && c.bytes === 64)
    expect(whole.length).toBeGreaterThanOrEqual(200)
    expect(server.connections.every((c) => c.bytes <= 64)).toBe(true)
  })

  it.each([
    ['v1', 1],
    ['v2', 2],
  ])(
    '--proxy-header %s: the server reads the header and sees the documented client address',
    async (flag, version) => {
      const server = await proxiedEcho()
      const { code, stdout, stderr } = await load(
        server.port,
        '--proxy-header',
        flag,
        '--count',
        '100',
      )
      expect(stderr).toBe('')
      expect(code).toBe(0)
      expect((JSON.parse(stdout) as LoadResult).requests).toBe(100)
      expect(server.peers.length).toBeGreaterThanOrEqual(100)
      expect(new Set(server.peers)).toEqual(new Set(['192.0.2.1']))
      expect(new Set(server.versions)).toEqual(new Set([version]))
    },
  )

  it('sends the header before the message, in band: a plain echo server sends it back', async () => {
    const server = await plainEcho()
    const { code, stderr } = await load(server.port, '--proxy-header', 'v1', '--count', '10')
    expect(code).toBe(1)
    expect(stderr).toMatch(/^error: echo mismatch at byte 0 of a 64-byte message\n$/)
  })

  it('fails, without a figure, when the server closes before the whole echo', async () => {
    const proxied = await proxiedEcho() // no header: refused by the server
    const refused = await load(proxied.port, '--count', '10')
    expect(refused.code).toBe(1)
    expect(refused.stderr).toBe('error: the server closed a connection after 0 of 64 bytes\n')
    const early = await plainEcho(10)
    const cut = await load(early.port, '--count', '10', '--size', '100000')
    expect(cut.code).toBe(1)
    expect(cut.stderr).toMatch(
      /^error: the server closed a connection after \d+ of 100000 bytes\n$/,
    )
  })
})
