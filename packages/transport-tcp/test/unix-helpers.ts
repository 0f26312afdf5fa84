import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { linkSync, lstatSync, mkdtempSync, rmSync } from 'node:fs'
import {
  connect,
  createServer as createNetServer,
  type Server as NetServer,
  type Socket,
} from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect } from 'vitest'
import { NetworkError, Protocol } from '@wirekit/protocol-core'
import { createUnixServer, UnixSocketError, type UnixServerOptions } from '../src/index.ts'
import { readAll } from './helpers.ts'

/**
 * A private temporary directory for one test file's socket paths, removed after the file's tests;
 * `path()` gives a fresh socket path in it each time.
 */
export function socketDirectory(): { readonly dir: string; path(name?: string): string } {
  const dir = mkdtempSync(join(tmpdir(), 'wirekit-unix-'))
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true })
  })
  let next = 0
  return {
    dir,
    path: (name) => join(dir, name ?? `s${String((next += 1))}.sock`),
  }
}

/**
 * A Linux abstract name no other process uses, without its leading NUL, padded with `x` to
 * `bytes` when given. Random, not made of the pid: abstract names are shared by every process
 * in the network namespace, containers with their own pids included.
 */
export function randomAbstractName(bytes?: number): string {
  const name = `wirekit-test-${randomBytes(8).toString('hex')}`
  return bytes === undefined ? name : name.padEnd(bytes, 'x')
}

/** A raw `node:net` client connected to the Unix socket at `path`. */
export async function rawUnixClient(path: string): Promise<Socket> {
  const socket = connect({ path, allowHalfOpen: true })
  await once(socket, 'connect')
  return socket
}

/** What connecting to `path` gives: `'connected'` or the error's code. */
export function tryConnect(path: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ path })
    socket.on('connect', () => {
      socket.destroy()
      resolve('connected')
    })
    socket.on('error', (error: NodeJS.ErrnoException) => {
      resolve(error.code ?? 'error')
    })
  })
}

/**
 * Leaves a stale socket file at `path`, as a server that died without closing does: a socket
 * bound under another name is hard-linked to `path`, then closed (libuv removes only the name it
 * bound). Connecting to `path` is then refused.
 */
export async function leaveStaleSocket(path: string): Promise<void> {
  const bound = `${path}.bound`
  const server = createNetServer()
  server.listen(bound)
  await once(server, 'listening')
  linkSync(bound, path)
  server.close()
  await once(server, 'close')
}

/** A raw `node:net` echo server listening on `path` (bound in place, as Node does). */
export async function rawUnixEchoServer(path: string): Promise<NetServer> {
  const server = createNetServer({ allowHalfOpen: true }, (socket) => {
    socket.on('error', () => undefined)
    socket.pipe(socket)
  })
  server.listen(path)
  await once(server, 'listening')
  return server
}

/** The device and inode of the file at `path` (a file's identity), or `undefined`. */
export function identityOf(path: string): string | undefined {
  const stats = lstatSync(path, { bigint: true, throwIfNoEntry: false })
  return stats === undefined ? undefined : `${stats.dev}:${stats.ino}`
}

/** The seed's echo: data back, EOF for EOF. */
export class Echo extends Protocol {
  override dataReceived(data: Uint8Array): void {
    this.transport?.write(data)
  }

  override eofReceived(): boolean {
    this.transport?.writeEof()
    return true
  }
}

/** Sends `text` over a raw connection to `path`, half-closes, and gives back the echo. */
export async function echoThrough(path: string, text: string): Promise<string> {
  const socket = await rawUnixClient(path)
  socket.end(text)
  const echoed = await readAll(socket)
  socket.destroy()
  return echoed.toString()
}

/** Listening must fail with this code and a message saying why; `UnixSocketError` is a `NetworkError`. */
export async function expectListenError(
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
