import { existsSync, lstatSync, mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Protocol } from '@wirekit/protocol-core'
import {
  createUnixConnection,
  createUnixServer,
  UnixSocketError,
  type UnixServer,
} from '../src/index.ts'
import { ABSTRACT_NAMES_PADDED } from '../src/unix-path.ts'
import { Cleanup, readAll } from './helpers.ts'
import {
  Echo,
  randomAbstractName,
  rawUnixClient,
  socketDirectory,
  tryConnect,
} from './unix-helpers.ts'

const cleanup = new Cleanup()
afterEach(() => cleanup.run())
const sockets = socketDirectory()

/** Warnings of the servers started by {@link serve}. */
const warnings: string[] = []
afterEach(() => {
  warnings.length = 0
})

async function serve(path: string): Promise<UnixServer> {
  const server = await createUnixServer(() => new Echo(), {
    path,
    onWarning: (message) => warnings.push(message),
  })
  return cleanup.add(server, async (s) => {
    s.close()
    s.abortClients()
    await s.waitClosed()
  })
}

/** A path in the test directory exactly `bytes` long, its name made of `fill`. */
function pathOfBytes(bytes: number, fill = 'x'): string {
  const prefix = `${sockets.dir}/`
  const room = bytes - Buffer.byteLength(prefix)
  const unit = Buffer.byteLength(fill)
  const path = prefix + fill.repeat(Math.floor(room / unit)) + 'y'.repeat(room % unit)
  expect(Buffer.byteLength(path)).toBe(bytes)
  return path
}

async function rejection(promise: Promise<unknown>): Promise<UnixSocketError> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(UnixSocketError)
  return error as UnixSocketError
}

describe('Unix socket paths: lengths, counted in bytes', () => {
  it('listens on and connects to a path of 107 bytes, the most a socket address holds, exactly', async () => {
    const path = pathOfBytes(107)
    await serve(path)
    expect(lstatSync(path).isSocket()).toBe(true)
    const socket = await rawUnixClient(path)
    socket.end('at the limit')
    expect((await readAll(socket)).toString()).toBe('at the limit')
    const client = await createUnixConnection(() => new Protocol(), { path })
    client.transport.abort()
  })

  it('refuses a path of 108 bytes with ENAMETOOLONG (no room for the ending NUL)', async () => {
    const path = pathOfBytes(108)
    const before = readdirSync(sockets.dir)
    const error = await rejection(createUnixServer(() => new Echo(), { path }))
    expect(error.code).toBe('ENAMETOOLONG')
    expect(error.message).toBe(
      `cannot listen on ${path}: the path is 108 bytes long (UTF-8), ` +
        'more than the 107 a Unix socket address holds here (ENAMETOOLONG)',
    )
    expect(readdirSync(sockets.dir)).toEqual(before)
    const connectError = await rejection(createUnixConnection(() => new Protocol(), { path }))
    expect(connectError.code).toBe('ENAMETOOLONG')
    expect(connectError.operation).toBe('connect')
  })

  it('refuses a longer path instead of listening on it cut to 108 bytes, as Node 20 and 22 do', async () => {
    const path = pathOfBytes(120)
    const error = await rejection(createUnixServer(() => new Echo(), { path }))
    expect(error.code).toBe('ENAMETOOLONG')
    expect(existsSync(path.slice(0, 108))).toBe(false)
    expect(readdirSync(sockets.dir).filter((name) => name.startsWith('xxx'))).toEqual([])
  })

  it('counts UTF-8 bytes, not characters', async () => {
    // 'é' is two bytes: fewer than 107 characters, more than 107 bytes.
    const path = pathOfBytes(110, 'é')
    expect(path.length).toBeLessThan(107)
    const error = await rejection(createUnixServer(() => new Echo(), { path }))
    expect(error.code).toBe('ENAMETOOLONG')
    expect(error.message).toMatch(/the path is 110 bytes long \(UTF-8\)/)
    const fits = pathOfBytes(107, 'é')
    await serve(fits)
    expect(lstatSync(fits).isSocket()).toBe(true)
  })

  it('takes a directory part of 89 bytes, the most the private bind directory leaves room for', async () => {
    const room = 89 - Buffer.byteLength(`${sockets.dir}/`)
    const dir = join(sockets.dir, 'e'.repeat(room))
    mkdirSync(dir)
    const path = `${dir}/${'n'.repeat(17)}` // 107 bytes in all
    await serve(path)
    expect(lstatSync(path).isSocket()).toBe(true)
  })

  it('explains when the private bind directory beside the path would not fit', async () => {
    // A directory of 90 bytes: '<dir>/.wirekit-XXXXXX/s' is 108 bytes.
    const room = 90 - Buffer.byteLength(`${sockets.dir}/`)
    const dir = join(sockets.dir, 'd'.repeat(room))
    mkdirSync(dir)
    const path = `${dir}/s.sock`
    expect(Buffer.byteLength(path)).toBeLessThanOrEqual(107)
    const error = await rejection(createUnixServer(() => new Echo(), { path }))
    expect(error.code).toBe('ENAMETOOLONG')
    expect(error.message).toMatch(/bound in a private directory beside the path first/)
    expect(error.message).toMatch(/use a shorter directory/)
    expect(readdirSync(dir)).toEqual([])
  })
})

describe('Unix socket paths: Linux abstract names', () => {
  it('listens on an abstract name without any file, and connects to it', async () => {
    const path = `\0${randomAbstractName()}`
    const before = readdirSync(sockets.dir)
    const server = await serve(path)
    expect(server.addresses()).toEqual([{ address: path, family: 'unix', port: 0 }])
    const client = new Protocol()
    const { transport } = await createUnixConnection(() => client, { path })
    expect(transport.getExtraInfo('peername')).toBe(path)
    transport.abort()
    const socket = await rawUnixClient(path)
    socket.end('abstract')
    expect((await readAll(socket)).toString()).toBe('abstract')
    expect(readdirSync(sockets.dir)).toEqual(before)
    // Node 20 binds a short abstract name padded with NULs, which other programs cannot reach.
    expect(warnings).toHaveLength(ABSTRACT_NAMES_PADDED ? 1 : 0)
  })

  it('refuses an abstract name a live socket holds with EADDRINUSE; free again once closed', async () => {
    const path = `\0${randomAbstractName()}`
    const first = await serve(path)
    const error = await rejection(createUnixServer(() => new Echo(), { path }))
    expect(error.code).toBe('EADDRINUSE')
    expect(error.message).toBe(
      `cannot listen on @${path.slice(1)}: a live socket holds this abstract name (EADDRINUSE)`,
    )
    first.close()
    expect(await tryConnect(path)).toBe('ECONNREFUSED')
    await serve(path)
    expect(await tryConnect(path)).toBe('connected')
  })

  it('takes an abstract name of 108 bytes (all of sun_path counts) and refuses 109', async () => {
    const name = `\0${randomAbstractName(107)}`
    await serve(name)
    expect(warnings).toEqual([]) // nothing to pad
    expect(await tryConnect(name)).toBe('connected')
    // A name one byte shorter is another name: Node did not cut ours.
    expect(await tryConnect(name.slice(0, 107))).toBe('ECONNREFUSED')
    const error = await rejection(
      createUnixServer(() => new Echo(), { path: `\0${randomAbstractName(108)}` }),
    )
    expect(error.code).toBe('ENAMETOOLONG')
    expect(error.message).toMatch(/the abstract name is 109 bytes long/)
  })
})
