import { once } from 'node:events'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { RAW_SERVER } from '../src/comparison-servers.ts'
import { startServer, type ServerSpec } from '../src/servers.ts'

const folder = mkdtempSync(join(tmpdir(), 'bench-servers-'))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

const node = (
  name: string,
  args: readonly string[],
  more: Partial<ServerSpec> = {},
): ServerSpec => ({
  name,
  kind: 'raw',
  runtime: '',
  command: process.execPath,
  args,
  ...more,
})

describe('startServer', () => {
  it('starts a server on a Unix socket over a stale file, and removes the file when it stops', async () => {
    const path = join(folder, 'raw.sock')
    writeFileSync(path, '') // left by a server killed before
    const server = await startServer(node('raw', [RAW_SERVER, '--unix', path], { unixPath: path }))
    try {
      expect(server.target).toEqual(['--unix', path])
      expect(server.port).toBe(0)
    } finally {
      await server.stop()
    }
    expect(existsSync(path)).toBe(false)
  })

  it('gives the generator --port for a server that prints its port', async () => {
    const server = await startServer(node('raw', [RAW_SERVER]))
    try {
      expect(server.target).toEqual(['--port', String(server.port)])
      expect(server.port).toBeGreaterThan(0)
    } finally {
      await server.stop()
    }
  })

  it('says why a server did not start, with its last lines', async () => {
    const script =
      "console.error('one'); console.error('two'); console.error('three'); console.error('bad flag'); process.exit(2)"
    await expect(startServer(node('broken', ['-e', script]))).rejects.toThrow(
      'broken exited (2) before listening: two / three / bad flag',
    )
  })

  it('gives up on a server that never says it listens, and stops it', async () => {
    const silent = node('silent', [
      '-e',
      "console.error('warming up'); setInterval(() => {}, 1000)",
    ])
    await expect(startServer(silent, 300)).rejects.toThrow(
      'silent did not say it listens within 0.3 s: warming up',
    )
  })
  it('stops every process of a server, not only the first', async () => {
    // The server starts a worker of its own that holds a connection to the test open: the
    // connection closes when the worker dies.
    const watcher = createServer()
    watcher.listen(0, '127.0.0.1')
    await once(watcher, 'listening')
    const address = watcher.address()
    const port = typeof address === 'object' && address != null ? address.port : 0
    const worker = `require('node:net').connect(${port}, '127.0.0.1'); setInterval(() => {}, 1000)`
    const primary = `require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(worker)}], { stdio: 'ignore' }); console.error('main: starting up on 127.0.0.1 port 9'); setInterval(() => {}, 1000)`
    try {
      const connected = once(watcher, 'connection') as Promise<[Socket]>
      const server = await startServer(node('two processes', ['-e', primary]))
      const [socket] = await connected
      socket.on('error', () => undefined)
      const closed = once(socket, 'close')
      await server.stop()
      await closed
    } finally {
      watcher.close()
    }
  })
})
