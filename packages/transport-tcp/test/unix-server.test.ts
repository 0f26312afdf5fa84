import { existsSync, linkSync, lstatSync, readdirSync, rmSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import type { Protocol } from '@wirekit/protocol-core'
import { createUnixServer, type UnixServer, type UnixServerOptions } from '../src/index.ts'
import { Cleanup, readAll, Recorder } from './helpers.ts'
import {
  Echo,
  echoThrough,
  identityOf,
  rawUnixClient,
  rawUnixEchoServer,
  socketDirectory,
  tryConnect,
} from './unix-helpers.ts'

const cleanup = new Cleanup()
afterEach(() => cleanup.run())
const sockets = socketDirectory()

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
