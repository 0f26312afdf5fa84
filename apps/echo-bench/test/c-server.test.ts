import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { buildCServer } from '../src/c-server.ts'
import { GENERATOR, runToEnd, startListening, stopServers } from './child-processes.ts'

function hasCompiler(): boolean {
  try {
    execFileSync('cc', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

const buildDir = mkdtempSync(join(tmpdir(), 'epoll-echo-'))
afterAll(() => rmSync(buildDir, { recursive: true, force: true }))
afterEach(stopServers)

/** Sends `payload` on one connection, half-closes, and returns everything echoed until the end. */
async function echoThrough(port: number, payload: Buffer): Promise<Buffer> {
  const socket = connect({ host: '127.0.0.1', port })
  const received: Buffer[] = []
  socket.on('data', (chunk: Buffer) => received.push(chunk))
  await once(socket, 'connect')
  socket.end(payload)
  await once(socket, 'close')
  return Buffer.concat(received)
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex')

// Without a C compiler the bench leaves C out with a note; so do these tests (the note is tested below).
describe.skipIf(!hasCompiler())('the C epoll echo server', () => {
  const build = buildCServer(buildDir)
  const binary = build.binary ?? ''

  it('builds with the system cc and says which compiler', () => {
    expect(build.binary).toBe(join(buildDir, 'epoll-echo'))
    expect('compiler' in build && build.compiler).toMatch(/\S/)
  })

  it('echoes 2 MiB on each of 3 connections byte for byte through a tiny send buffer', async () => {
    // A 4 KiB send buffer makes nearly every write() partial: what it could not send must be
    // kept and sent on EPOLLOUT, in order, with reading paused meanwhile.
    const server = await startListening(binary, ['--sndbuf', '4096'])
    const payloads = Array.from({ length: 3 }, () => randomBytes(2 * 1024 * 1024))
    const echoes = await Promise.all(payloads.map((payload) => echoThrough(server.port, payload)))
    for (const [i, echo] of echoes.entries()) {
      expect(echo.length).toBe(payloads[i]?.length)
      expect(sha256(echo)).toBe(sha256(payloads[i] ?? Buffer.alloc(0)))
    }
  })

  it('passes the load generator, which checks every echo, at 100 KiB', async () => {
    const server = await startListening(binary, [])
    const { code, stdout, stderr } = await runToEnd(process.execPath, [
      GENERATOR,
      ...['--port', String(server.port), '--server-pid', String(server.pid)],
      ...['--size', '102400', '--count', '300', '--warmup', '0', '--json'],
    ])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toMatchObject({ requests: 300 })
  })

  it('closes a connection once it has echoed everything before the end of stream', async () => {
    const server = await startListening(binary, [])
    expect((await echoThrough(server.port, Buffer.alloc(0))).length).toBe(0)
    expect((await echoThrough(server.port, Buffer.from('one line\n'))).toString()).toBe(
      'one line\n',
    )
  })
})

describe('buildCServer without a compiler', () => {
  it('returns a note instead of failing', () => {
    const path = process.env.PATH
    process.env.PATH = '/nonexistent'
    try {
      expect(buildCServer(buildDir)).toEqual({
        binary: undefined,
        note: 'C epoll: skipped, no C compiler (cc) on the PATH',
      })
    } finally {
      process.env.PATH = path
    }
  })
})
