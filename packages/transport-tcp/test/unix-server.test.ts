import { spawn } from 'node:child_process'
import { once } from 'node:events'
import {
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import type { Socket } from 'node:net'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { IdleTimeoutError, NetworkError, Protocol } from '@wirekit/protocol-core'
import {
  createUnixConnection,
  createUnixServer,
  UnixSocketError,
  type UnixServer,
  type UnixServerOptions,
} from '../src/index.ts'
import { Cleanup, ended, readAll, Recorder } from './helpers.ts'
import {
  identityOf,
  leaveStaleSocket,
  rawUnixClient,
  rawUnixEchoServer,
  socketDirectory,
  tryConnect,
} from './unix-helpers.ts'

const cleanup = new Cleanup()
afterEach(() => cleanup.run())
const sockets = socketDirectory()
const fixture = fileURLToPath(new URL('fixtures/unix-echo-server.mjs', import.meta.url))

class Echo extends Protocol {
  override dataReceived(data: Uint8Array): void {
    this.transport?.write(data)
  }

  override eofReceived(): boolean {
    this.transport?.writeEof()
    return true
  }
}

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

function pathOf(server: UnixServer): string {
  const [address] = server.addresses()
  if (address === undefined) {
    throw new Error('the server listens nowhere')
  }
  return address.address
}

async function echoThrough(path: string, text: string): Promise<string> {
  const socket = await rawUnixClient(path)
  socket.end(text)
  const echoed = await readAll(socket)
  socket.destroy()
  return echoed.toString()
}

/** Listening must fail with this code and a message saying why; `UnixSocketError` is a `NetworkError`. */
async function expectListenError(
  options: UnixServerOptions,
  code: string,
  reason: RegExp,
): Promise<UnixSocketError> {
  const error: unknown = await createUnixServer(() => new Echo(), options).then(
    (server) => {
      server.close()
      return undefined
    },
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(UnixSocketError)
  expect(error).toBeInstanceOf(NetworkError)
  const unixError = error as UnixSocketError
  expect(unixError.code).toBe(code)
  expect(unixError.operation).toBe('listen')
  expect(unixError.path).toBe(options.path)
  expect(unixError.message).toMatch(reason)
  return unixError
}

/** Private bind directories (`.wirekit-XXXXXX`) left in the test directory. */
function privateDirectoriesLeft(): string[] {
  return readdirSync(sockets.dir).filter((name) => name.startsWith('.wirekit-'))
}

describe('createUnixServer', () => {
  it('echoes over its path with the TCP server’s protocols unchanged', async () => {
    const server = await serve(() => new Echo())
    expect(
      await echoThrough(pathOf(server), 'This is the message. It will be sent in parts.'),
    ).toBe('This is the message. It will be sent in parts.')
  })

  it('gives addresses() as { address: path, family: "unix", port: 0 }, none once closed', async () => {
    const path = sockets.path()
    const server = await serve(() => new Echo(), { path })
    expect(server.addresses()).toEqual([{ address: path, family: 'unix', port: 0 }])
    expect(server.isServing()).toBe(true)
    server.close()
    expect(server.addresses()).toEqual([])
    expect(server.isServing()).toBe(false)
  })

  it('gives sockname as the path and peername as "" on accepted connections (asyncio’s AF_UNIX)', async () => {
    const path = sockets.path()
    const recorder = new Recorder()
    await serve(() => recorder, { path })
    const client = cleanup.add(await rawUnixClient(path), (s) => s.destroy())
    await recorder.waitFor('connectionMade')
    expect(recorder.transport?.getExtraInfo('sockname')).toBe(path)
    expect(recorder.transport?.getExtraInfo('peername')).toBe('')
    client.end()
    await recorder.waitFor('connectionLost')
    // Kept for the life of the transport.
    expect(recorder.transport?.getExtraInfo('sockname')).toBe(path)
  })

  it('removes its socket file on close(); open connections go on until they end', async () => {
    const path = sockets.path()
    const recorder = new Recorder()
    recorder.keepOpenOnEof = true
    const server = await serve(() => recorder, { path })
    const client = cleanup.add(await rawUnixClient(path), (s) => s.destroy())
    await recorder.waitFor('connectionMade')
    expect(lstatSync(path).isSocket()).toBe(true)
    server.close()
    expect(existsSync(path)).toBe(false)
    expect(await tryConnect(path)).toBe('ENOENT')
    client.write('still here')
    await recorder.waitForBytes(10)
    recorder.transport?.write(new TextEncoder().encode('and so am I'))
    client.end()
    await recorder.waitFor('eofReceived')
    recorder.transport?.close()
    expect((await readAll(client)).toString()).toBe('and so am I')
    await server.waitClosed()
  })

  it('on close(), leaves alone a socket file that replaced its own (the inode check)', async () => {
    const path = sockets.path()
    const server = await serve(() => new Echo(), { path })
    // Someone removes our file and starts another server on the path.
    const other = cleanup.add(await rawUnixEchoServer(`${path}.other`), (s) => s.close())
    rmSync(path)
    linkSync(`${path}.other`, path)
    const theirs = identityOf(path)
    server.close()
    expect(identityOf(path)).toBe(theirs)
    expect(await echoThrough(path, 'still theirs')).toBe('still theirs')
    expect(other.listening).toBe(true)
  })

  it('removes a stale socket file (no one listens) and listens in its place', async () => {
    const path = sockets.path()
    await leaveStaleSocket(path)
    expect(await tryConnect(path)).toBe('ECONNREFUSED')
    const stale = identityOf(path)
    const server = await serve(() => new Echo(), { path })
    expect(identityOf(path)).not.toBe(stale)
    expect(await echoThrough(pathOf(server), 'fresh')).toBe('fresh')
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

  it('leaves no private directory behind, listening or closed', async () => {
    const server = await serve(() => new Echo())
    expect(privateDirectoriesLeft()).toEqual([])
    server.close()
    expect(privateDirectoriesLeft()).toEqual([])
  })

  it('closes when its signal aborts, removing its file', async () => {
    const path = sockets.path()
    const controller = new AbortController()
    const server = await serve(() => new Echo(), { path, signal: controller.signal })
    controller.abort()
    expect(server.isServing()).toBe(false)
    expect(existsSync(path)).toBe(false)
  })

  it('rejects with the reason of a signal aborted before it listens, leaving nothing', async () => {
    const path = sockets.path()
    const reason = new Error('not today')
    await expect(
      createUnixServer(() => new Echo(), { path, signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason)
    expect(existsSync(path)).toBe(false)
  })
})

describe('createUnixServer: the server policies TCP has', () => {
  it('refuses connections past maxConnections, counting them', async () => {
    const path = sockets.path()
    const warnings: string[] = []
    const recorders: Recorder[] = []
    const server = await serve(
      () => {
        const recorder = new Recorder()
        recorders.push(recorder)
        return recorder
      },
      { path, maxConnections: 1, onWarning: (message) => warnings.push(message) },
    )
    const first = cleanup.add(await rawUnixClient(path), (s) => s.destroy())
    await expect.poll(() => server.connectionCount).toBe(1)
    const second = cleanup.add(await rawUnixClient(path), (s) => s.destroy())
    await ended(second)
    expect(server.refusedCount).toBe(1)
    expect(recorders).toHaveLength(1)
    expect(warnings).toEqual([
      `refused a connection from a client of ${path}: 1 connections open, the most allowed (maxConnections)`,
    ])
    first.destroy()
    await recorders[0]?.waitFor('connectionLost')
    const third = cleanup.add(await rawUnixClient(path), (s) => s.destroy())
    await expect.poll(() => recorders.length).toBe(2)
    third.destroy()
  })

  it('closes a connection idle for idleTimeout with an IdleTimeoutError', async () => {
    const path = sockets.path()
    const recorder = new Recorder()
    await serve(() => recorder, { path, idleTimeout: 50 })
    const client = cleanup.add(await rawUnixClient(path), (s) => s.destroy())
    await ended(client)
    await recorder.waitFor('connectionLost')
    expect(recorder.lostError).toBeInstanceOf(IdleTimeoutError)
  })

  it('closeClients() closes gracefully, abortClients() drops; waitClosed() waits for both', async () => {
    const path = sockets.path()
    const recorders: Recorder[] = []
    const server = await serve(
      () => {
        const recorder = new Recorder()
        recorder.keepOpenOnEof = true
        recorders.push(recorder)
        return recorder
      },
      { path },
    )
    const graceful = cleanup.add(await rawUnixClient(path), (s) => s.destroy())
    await expect.poll(() => recorders.length).toBe(1)
    recorders[0]?.transport?.write(new TextEncoder().encode('flushed'))
    server.closeClients()
    expect((await readAll(graceful)).toString()).toBe('flushed')
    await recorders[0]?.waitFor('connectionLost')
    expect(recorders[0]?.lostError).toBeUndefined()

    const aborted = cleanup.add(await rawUnixClient(path), (s) => s.destroy())
    await expect.poll(() => recorders.length).toBe(2)
    let settled = false
    const closed = server.waitClosed().then(() => (settled = true))
    server.close()
    await Promise.resolve()
    expect(settled).toBe(false) // one connection still open
    server.abortClients()
    await closed
    await ended(aborted)
    expect(server.connectionCount).toBe(0)
  })

  it('backs off near the descriptor limit and resumes, as over TCP', async () => {
    const path = sockets.path()
    const child = spawn(
      'sh',
      ['-c', `ulimit -n 40 && exec "${process.execPath}" "${fixture}" "${path}"`],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    cleanup.add(child, (c) => c.kill('SIGKILL'))
    const stderr: string[] = []
    createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line))
    await once(createInterface({ input: child.stdout }), 'line')
    const held: Socket[] = []
    cleanup.add(held, (all) => all.forEach((socket) => socket.destroy()))
    let closedByServer = 0
    for (let i = 0; i < 80; i++) {
      const socket = await rawUnixClient(path).catch(() => undefined)
      if (socket !== undefined) {
        socket.on('error', () => undefined)
        socket.on('end', () => (closedByServer += 1))
        socket.resume()
        held.push(socket)
      }
    }
    await expect.poll(() => closedByServer, { timeout: 10_000 }).toBeGreaterThan(20)
    await expect
      .poll(() => stderr.filter((line) => line.includes('refusing new connections')))
      .toHaveLength(1)
    for (const socket of held.splice(0)) {
      socket.destroy()
    }
    await expect
      .poll(async () => {
        const socket = await rawUnixClient(path).catch(() => undefined)
        if (socket === undefined) {
          return 'refused'
        }
        socket.end('back')
        return (await readAll(socket).catch(() => Buffer.from('reset'))).toString()
      })
      .toBe('back')
    await expect
      .poll(() => stderr.filter((line) => line.includes('accepting connections again')))
      .toHaveLength(1)
  })

  it('works with createUnixConnection on both ends: peername is the path, sockname ""', async () => {
    const path = sockets.path()
    await serve(() => new Echo(), { path })
    const client = new Recorder()
    const { transport } = await createUnixConnection(() => client, { path })
    cleanup.add(transport, (t) => t.abort())
    expect(transport.getExtraInfo('peername')).toBe(path)
    expect(transport.getExtraInfo('sockname')).toBe('')
    transport.write(new TextEncoder().encode('both ends'))
    transport.writeEof()
    await client.waitFor('connectionLost')
    expect(client.received.toString()).toBe('both ends')
    expect(client.lostError).toBeUndefined()
  })
})

describe('createUnixServer: options', () => {
  it.each([
    [{ path: 42 }, TypeError, 'option path must be a string, got number'],
    [{ path: '' }, RangeError, 'option path must be a socket path or an abstract name, got ""'],
    [{ path: '/tmp/a\0b' }, RangeError, 'option path must not contain NUL characters'],
    [{ path: '/tmp/x.sock', mode: 0o1777 }, RangeError, 'option mode must be permission bits'],
    [{ path: '/tmp/x.sock', mode: '600' }, TypeError, 'option mode must be a number'],
    [
      { path: '\0abstract', mode: 0o600 },
      RangeError,
      'option mode does not apply to an abstract name',
    ],
    [{ path: '/tmp/x.sock', backlog: 0 }, RangeError, 'option backlog must be a positive integer'],
  ])('rejects %j', async (options, type, message) => {
    await expect(
      createUnixServer(() => new Echo(), options as unknown as UnixServerOptions),
    ).rejects.toThrow(type)
    await expect(
      createUnixServer(() => new Echo(), options as unknown as UnixServerOptions),
    ).rejects.toThrow(message)
  })
})
