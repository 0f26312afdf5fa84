import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { lstatSync, mkdirSync, symlinkSync, writeFileSync, existsSync, readdirSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import type { Protocol } from '@wirekit/protocol-core'
import { createUnixServer, type UnixServer, type UnixServerOptions } from '../src/index.ts'
import { Cleanup } from './helpers.ts'
import {
  Echo,
  echoThrough,
  expectListenError,
  identityOf,
  leaveStaleSocket,
  rawUnixEchoServer,
  socketDirectory,
  tryConnect,
} from './unix-helpers.ts'

const cleanup = new Cleanup()
afterEach(() => cleanup.run())
const sockets = socketDirectory()
const fixture = fileURLToPath(new URL('fixtures/unix-echo-server.mjs', import.meta.url))

async function serve(
  factory: () => Protocol,
  options: Partial<UnixServerOptions> = {},
): Promise<UnixServer> {
  const server = await createUnixServer(factory, { path: sockets.path(), ...options })
  return cleanup.add(server, async (s) => {
    s.close()
    s.abortClients()
    await s.waitClosed()
  })
}

/** Private bind directories (`.wirekit-XXXXXX`) left in the test directory. */
function privateDirectoriesLeft(): string[] {
  return readdirSync(sockets.dir).filter((name) => name.startsWith('.wirekit-'))
}

describe('createUnixServer: what is already at the path', () => {
  it('removes a stale socket file (no one listens) and listens in its place', async () => {
    const path = sockets.path()
    await leaveStaleSocket(path)
    expect(await tryConnect(path)).toBe('ECONNREFUSED')
    const stale = identityOf(path)
    await serve(() => new Echo(), { path })
    expect(identityOf(path)).not.toBe(stale)
    expect(await echoThrough(path, 'fresh')).toBe('fresh')
  })

  it('starts on the path of a server killed with SIGKILL, which left its socket file', async () => {
    const path = sockets.path()
    const first = spawn(process.execPath, [fixture, path], { stdio: ['ignore', 'pipe', 'inherit'] })
    cleanup.add(first, (child) => child.kill('SIGKILL'))
    await once(createInterface({ input: first.stdout }), 'line')
    expect(await echoThrough(path, 'first')).toBe('first')
    first.kill('SIGKILL')
    await once(first, 'exit')
    expect(lstatSync(path).isSocket()).toBe(true)
    expect(await tryConnect(path)).toBe('ECONNREFUSED')
    await serve(() => new Echo(), { path })
    expect(await echoThrough(path, 'second')).toBe('second')
  })

  it('refuses the path of a live server with EADDRINUSE; that server keeps its file and serves', async () => {
    const path = sockets.path()
    const live = await serve(() => new Echo(), { path })
    const identity = identityOf(path)
    await expectListenError({ path }, 'EADDRINUSE', /a server is listening on it/)
    expect(identityOf(path)).toBe(identity)
    expect(live.isServing()).toBe(true)
    expect(await echoThrough(path, 'still serving')).toBe('still serving')
    expect(privateDirectoriesLeft()).toEqual([])
  })

  it('refuses the path of a live server that is not wirekit’s (a raw node:net one)', async () => {
    const path = sockets.path()
    cleanup.add(await rawUnixEchoServer(path), (s) => s.close())
    await expectListenError({ path }, 'EADDRINUSE', /a server is listening on it/)
    expect(await echoThrough(path, 'raw')).toBe('raw')
  })

  it.each([
    [
      'a regular file',
      (path: string) => {
        writeFileSync(path, 'precious')
      },
    ],
    [
      'a directory',
      (path: string) => {
        mkdirSync(path)
      },
    ],
    [
      'a symbolic link',
      (path: string) => {
        symlinkSync('/nonexistent/target', path)
      },
    ],
  ])('never removes a path that is %s: EADDRINUSE, the path untouched', async (kind, make) => {
    const path = sockets.path()
    make(path)
    const identity = identityOf(path)
    await expectListenError({ path }, 'EADDRINUSE', new RegExp(`is ${kind}, not a socket`))
    expect(identityOf(path)).toBe(identity)
  })

  it('never removes a symbolic link to a live socket, nor disturbs its server', async () => {
    const target = sockets.path()
    cleanup.add(await rawUnixEchoServer(target), (s) => s.close())
    const path = sockets.path()
    symlinkSync(target, path)
    await expectListenError({ path }, 'EADDRINUSE', /is a symbolic link, not a socket/)
    expect(lstatSync(path).isSymbolicLink()).toBe(true)
    expect(await echoThrough(target, 'untouched')).toBe('untouched')
  })

  it('fails with the system’s code when the directory does not exist, leaving nothing behind', async () => {
    const path = `${sockets.dir}/missing/s.sock`
    await expectListenError({ path }, 'ENOENT', /no such file or directory \(ENOENT\)$/)
    expect(existsSync(`${sockets.dir}/missing`)).toBe(false)
  })
})
