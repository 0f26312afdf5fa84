import { once } from 'node:events'
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { NetworkError, Protocol, type Transport } from '@wirekit/protocol-core'
import {
  createUnixConnection,
  createUnixServer,
  UnixSocketError,
  type UnixExtraInfo,
} from '../src/index.ts'
import { Cleanup, readAll, Recorder } from './helpers.ts'
import { leaveStaleSocket, rawUnixClient, socketDirectory } from './unix-helpers.ts'

const cleanup = new Cleanup()
afterEach(() => cleanup.run())
const sockets = socketDirectory()

async function rawServer(
  path: string,
  onConnection: (socket: Socket) => void,
  options: { pauseOnConnect?: boolean } = {},
): Promise<NetServer> {
  const server = createNetServer({ allowHalfOpen: true, ...options }, (socket) => {
    socket.on('error', () => undefined)
    onConnection(socket)
  })
  server.listen(path)
  await once(server, 'listening')
  return cleanup.add(server, (s) => s.close())
}

async function connectError(path: string): Promise<UnixSocketError> {
  let made = false
  const error: unknown = await createUnixConnection(
    () => {
      made = true
      return new Protocol()
    },
    { path },
  ).then(
    ({ transport }) => {
      transport.abort()
      return undefined
    },
    (caught: unknown) => caught,
  )
  expect(made).toBe(false)
  expect(error).toBeInstanceOf(UnixSocketError)
  expect(error).toBeInstanceOf(NetworkError)
  return error as UnixSocketError
}

const PAYLOAD = Buffer.alloc(1024 * 1024, 0x5a)

/** Writes the payload and closes in connectionMade, before the peer has read anything. */
class WriteAndClose extends Recorder {
  override connectionMade(transport: Transport): void {
    super.connectionMade(transport)
    transport.write(PAYLOAD)
    transport.close()
  }
}

describe('createUnixConnection', () => {
  it('connects; peername is the server’s path, sockname "" (asyncio’s AF_UNIX); socket is the net.Socket', async () => {
    const path = sockets.path()
    await rawServer(path, (socket) => socket.pipe(socket))
    const recorder = new Recorder()
    const { transport, protocol } = await createUnixConnection(() => recorder, { path })
    expect(protocol).toBe(recorder)
    expect(recorder.names).toEqual(['connectionMade'])
    const info: Transport<UnixExtraInfo> = transport
    expect(info.getExtraInfo('peername')).toBe(path)
    expect(info.getExtraInfo('sockname')).toBe('')
    expect(info.getExtraInfo('socket')?.constructor.name).toBe('Socket')
    transport.write(new TextEncoder().encode('ping'))
    transport.writeEof()
    await recorder.waitFor('connectionLost')
    expect(recorder.received.toString()).toBe('ping')
    expect(recorder.lostError).toBeUndefined()
  })

  it('fails with ENOENT, naming the path, when nothing is there', async () => {
    const path = sockets.path()
    const error = await connectError(path)
    expect(error.code).toBe('ENOENT')
    expect(error.operation).toBe('connect')
    expect(error.path).toBe(path)
    expect(error.message).toBe(`cannot connect to ${path}: no such file or directory (ENOENT)`)
  })

  it('fails with ECONNREFUSED on a stale socket file no server listens on', async () => {
    const path = sockets.path()
    await leaveStaleSocket(path)
    const error = await connectError(path)
    expect(error.code).toBe('ECONNREFUSED')
    expect(error.message).toBe(`cannot connect to ${path}: connection refused (ECONNREFUSED)`)
  })

  it('rejects with the reason of a signal aborted before it connects', async () => {
    const reason = new Error('never mind')
    await expect(
      createUnixConnection(() => new Protocol(), {
        path: sockets.path(),
        signal: AbortSignal.abort(reason),
      }),
    ).rejects.toBe(reason)
  })

  it.each([
    [{ path: undefined }, TypeError, 'option path must be a string, got undefined'],
    [{ path: '/tmp/x', timeout: -1 }, RangeError, 'option timeout must be a finite number >= 0'],
    [{ path: '/tmp/x', signal: 'no' }, TypeError, 'option signal must be an AbortSignal'],
  ])('rejects %j', async (options, type, message) => {
    const attempt = (): Promise<unknown> =>
      createUnixConnection(() => new Protocol(), options as unknown as { path: string })
    await expect(attempt()).rejects.toThrow(type)
    await expect(attempt()).rejects.toThrow(message)
  })
})

describe('Unix transports: resets and closing', () => {
  it('a peer that closes with our bytes unread resets: connectionLost(ECONNRESET) after what it sent', async () => {
    const path = sockets.path()
    const recorder = new Recorder()
    const server = await createUnixServer(() => recorder, { path })
    cleanup.add(server, async (s) => {
      s.close()
      s.abortClients()
      await s.waitClosed()
    })
    const client = await rawUnixClient(path)
    await recorder.waitFor('connectionMade')
    client.pause()
    // What the server sends sits unread in the client's socket when the client closes.
    recorder.transport?.write(new TextEncoder().encode('never read'))
    client.write('last words', () => client.destroy())
    await recorder.waitFor('connectionLost')
    expect(recorder.received.toString()).toBe('last words')
    expect(recorder.names).not.toContain('eofReceived')
    expect((recorder.lostError as NodeJS.ErrnoException | undefined)?.code).toBe('ECONNRESET')
  })

  it('a client’s transport reports the reset of a server that closes with its bytes unread', async () => {
    const path = sockets.path()
    let accepted: (socket: Socket) => void = () => undefined
    const serverSocket = new Promise<Socket>((resolve) => (accepted = resolve))
    await rawServer(path, accepted, { pauseOnConnect: true })
    const recorder = new Recorder()
    const { transport } = await createUnixConnection(() => recorder, { path })
    // A write to a Unix socket lands in the peer's queue at once; the server never reads it.
    transport.write(new TextEncoder().encode('unread by the server'))
    const socket = await serverSocket
    socket.write('bye', () => socket.destroy())
    await recorder.waitFor('connectionLost')
    expect(recorder.received.toString()).toBe('bye')
    expect((recorder.lostError as NodeJS.ErrnoException | undefined)?.code).toBe('ECONNRESET')
  })

  it('close() lingers: a peer still sending after the flush is not met with EPIPE', async () => {
    const path = sockets.path()
    const protocols: WriteAndClose[] = []
    const server = await createUnixServer(
      () => {
        const protocol = new WriteAndClose()
        protocols.push(protocol)
        return protocol
      },
      { path },
    )
    cleanup.add(server, async (s) => {
      s.close()
      s.abortClients()
      await s.waitClosed()
    })
    const client = cleanup.add(await rawUnixClient(path), (s) => s.destroy())
    const errors: Error[] = []
    client.on('error', (error) => errors.push(error))
    // The payload is larger than a Unix socket's buffer: the flush needs the client to read.
    const received = await readAll(client)
    expect(received.equals(PAYLOAD)).toBe(true)
    await protocols[0]?.waitFor('connectionLost')
    expect(protocols[0]?.lostError).toBeUndefined()
    // The server's socket is still there, reading and discarding, until the client's EOF.
    client.write('late')
    client.end()
    await once(client, 'close')
    expect(errors).toEqual([])
  })
})
