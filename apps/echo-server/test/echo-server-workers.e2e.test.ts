import { once } from 'node:events'
import { connect, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { reusePortSupported } from '@wirekit/protocol-core'
import { run, serverBin, startServer, type RunningServer } from './run-app.ts'

const servers: RunningServer[] = []
const sockets: Socket[] = []
afterEach(async () => {
  sockets.splice(0).forEach((socket) => socket.destroy())
  for (const server of servers.splice(0)) {
    server.child.kill('SIGKILL')
    await server.exit()
  }
})

const sharing = reusePortSupported() ? 'SO_REUSEPORT' : 'node:cluster round-robin'

describe(`echo-server --workers (${sharing} on Node ${process.versions.node})`, () => {
  it('serves one port from several processes, and drains them all on SIGTERM', async () => {
    const server = await startServer([
      ...['--host', '127.0.0.1', '--port', '0', '--workers', '2', '--log-level', 'debug'],
    ])
    servers.push(server)
    await server.waitForLog(/^main: (2) workers share the port \(.*\)$/m)
    expect(server.log()).toContain(`main: 2 workers share the port (${sharing})\n`)
    // Idle connections, open at the drain: each worker counts the ones it serves.
    const count = 20
    for (let i = 0; i < count; i += 1) {
      const socket = connect({ host: '127.0.0.1', port: server.port })
      sockets.push(socket)
      await once(socket, 'connect')
      socket.write(`hello ${String(i)}`)
      const [echo] = (await once(socket, 'data')) as [Buffer]
      expect(echo.toString()).toBe(`hello ${String(i)}`)
    }
    server.child.kill('SIGTERM')
    expect(await server.exit()).toBe(0)
    const drained = [
      ...server.log().matchAll(/^main: drained: (\d+) ended, 0 closed, 0 aborted$/gm),
    ]
    expect(drained).toHaveLength(2)
    const perWorker = drained.map((match) => Number(match[1]))
    expect(perWorker.reduce((sum, n) => sum + n, 0)).toBe(count)
    // Both workers served: all twenty on one would be the kernel's or cluster's doing at 1 in 2^19.
    expect(perWorker.every((n) => n > 0)).toBe(true)
    expect(server.log().match(/^main: starting up on /gm)).toHaveLength(1)
  })

  it('fails with one line and exit 1 when the port is taken', async () => {
    const first = await startServer(['--host', '127.0.0.1', '--port', '0', '--log-level', 'warn'])
    servers.push(first)
    const result = await run([
      ...[serverBin, '--host', '127.0.0.1', '--port', String(first.port), '--workers', '2'],
    ])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/address already in use/)
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })

  it('refuses --workers with --unix or --udp, and a worker count below one', async () => {
    for (const args of [
      ['--workers', '2', '--udp'],
      ['--workers', '2', '--unix', 'echo.sock'],
      ['--workers', '0'],
    ]) {
      const result = await run([serverBin, ...args])
      expect(result.code, args.join(' ')).toBe(2)
    }
  })
})
