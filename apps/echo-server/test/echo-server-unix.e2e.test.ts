import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { existsSync, lstatSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { startProcess, type StartedProcess } from '@wirekit/app-support/testing'
import { run, serverBin } from './run-app.ts'

const folder = mkdtempSync(join(tmpdir(), 'wirekit-echo-unix-'))
afterAll(() => rmSync(folder, { recursive: true, force: true }))
let next = 0
const socketPath = (): string => join(folder, `echo${String((next += 1))}.sock`)

const running: StartedProcess[] = []
afterEach(async () => {
  for (const process of running.splice(0)) {
    process.kill()
    await process.finished
  }
})

/** Starts the built server on a Unix socket and waits for its "starting up" line. */
async function start(path: string, args: readonly string[] = []): Promise<StartedProcess> {
  const server = startProcess(process.execPath, [serverBin, '--unix', path, ...args])
  running.push(server)
  await server.waitForStderr(/^main: (starting up on .*)$/m)
  return server
}

/** Sends the bytes over the Unix socket, half-closes, gives back everything until the server's EOF. */
async function exchange(path: string, payload: string): Promise<string> {
  const socket = connect({ path, allowHalfOpen: true })
  await once(socket, 'connect')
  const chunks: Buffer[] = []
  socket.on('data', (chunk: Buffer) => chunks.push(chunk))
  socket.end(payload)
  await once(socket, 'end')
  socket.destroy()
  return Buffer.concat(chunks).toString()
}

describe('echo-server --unix (built, run as a user would)', () => {
  it('logs the seed lines with the path as the address', async () => {
    const path = socketPath()
    const server = await start(path)
    expect(await exchange(path, 'This is the message. It will be sent in parts.')).toBe(
      'This is the message. It will be sent in parts.',
    )
    await expect.poll(() => server.stderr()).toMatch(/closing\n$/)
    const name = `EchoServer_${path}_1`
    expect(server.stderr().trimEnd().split('\n')).toEqual([
      `main: starting up on ${path}`,
      `${name}: connection accepted`,
      `${name}: received b'This is the message. It will be sent in parts.'`,
      `${name}: sent b'This is the message. It will be sent in parts.'`,
      `${name}: received EOF`,
      `${name}: closing`,
    ])
  })

  it('starts on the path of a server killed with SIGKILL (its stale socket file)', async () => {
    const path = socketPath()
    const first = await start(path)
    first.kill('SIGKILL')
    await first.finished
    expect(lstatSync(path).isSocket()).toBe(true)
    await start(path)
    expect(await exchange(path, 'again')).toBe('again')
  })

  it('refuses the path of a live server: exit 1, one line; the first keeps serving', async () => {
    const path = socketPath()
    await start(path)
    const second = await run([serverBin, '--unix', path])
    expect(second.code).toBe(1)
    expect(second.stderr).toBe(
      `error: cannot listen on ${path}: a server is listening on it: ` +
        'its socket file answered a connection (EADDRINUSE)\n',
    )
    expect(await exchange(path, 'still here')).toBe('still here')
  })

  it('refuses a path that is not a socket and leaves it alone', async () => {
    const path = socketPath()
    writeFileSync(path, 'not a socket')
    const { code, stderr } = await run([serverBin, '--unix', path])
    expect(code).toBe(1)
    expect(stderr).toBe(
      `error: cannot listen on ${path}: the path exists and is a regular file, not a socket; ` +
        'it is never removed (EADDRINUSE)\n',
    )
    expect(existsSync(path)).toBe(true)
  })

  it('removes its socket file when it stops on SIGTERM', async () => {
    const path = socketPath()
    const server = await start(path)
    server.kill('SIGTERM')
    expect((await server.finished).code).toBe(0)
    expect(existsSync(path)).toBe(false)
  })

  it('listens on a Linux abstract name given as @NAME', async () => {
    // Random: abstract names are shared by the whole network namespace, other containers' pids included.
    const name = `wirekit-echo-e2e-${randomBytes(8).toString('hex')}`
    const server = await start(`@${name}`, ['--log-level', 'info'])
    expect(server.stderr()).toMatch(new RegExp(`^main: starting up on @${name}$`, 'm'))
    expect(await exchange(`\0${name}`, 'abstract')).toBe('abstract')
  })

  it.each([
    [['--unix', '/tmp/x.sock', '--port', '1'], 'error: --unix cannot be combined with --port'],
    [['--unix', ''], 'error: --unix needs a socket path or @NAME'],
  ])('refuses %j: exit 2, one line then the usage', async (args, line) => {
    const { code, stderr } = await run([serverBin, ...args])
    expect(code).toBe(2)
    expect(stderr.split('\n')[0]).toBe(line)
    expect(stderr).not.toContain('starting up')
  })
})
