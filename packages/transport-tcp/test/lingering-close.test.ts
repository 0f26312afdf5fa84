import { once } from 'node:events'
import type { Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { SocketTransport } from '../src/socket-transport.ts'
import { Cleanup, rawClient, readAll, Recorder, serveCollecting } from './helpers.ts'

const cleanup = new Cleanup()
afterEach(() => cleanup.run())

const PAYLOAD = Buffer.alloc(1024 * 1024, 0x5a)

/** Writes the payload and closes in connectionMade, before the peer has read anything. */
class WriteAndClose extends Recorder {
  override connectionMade(transport: Parameters<Recorder['connectionMade']>[0]): void {
    super.connectionMade(transport)
    transport.write(PAYLOAD)
    transport.close()
  }
}

async function connectPaused(options: { lingerTimeout?: number; idleTimeout?: number } = {}) {
  const { server, protocols } = await serveCollecting(cleanup, () => new WriteAndClose(), options)
  const client: Socket = cleanup.add(await rawClient(server), (s) => s.destroy())
  client.pause()
  await expect.poll(() => protocols.length).toBe(1)
  const [protocol] = protocols as [WriteAndClose]
  const socket = (protocol.transport as SocketTransport).getExtraInfo('socket')
  if (socket === undefined) {
    throw new Error('a TCP transport without its socket')
  }
  // 'finish': the payload has been handed to the kernel and our FIN queued behind it.
  if (!socket.writableFinished) {
    await once(socket, 'finish')
  }
  return { client, protocol, socket }
}

describe('TCP transport: a lingering close', () => {
  it('keeps what close() flushed for a peer that sends before it reads', async () => {
    const { client, protocol } = await connectPaused()
    // Bytes the closing side never reads: closing the socket with them unread sends a reset,
    // which would throw away the part of the payload the peer has not read yet.
    client.write('unread')
    const received = await readAll(client)
    expect(received.length).toBe(PAYLOAD.length)
    expect(received.equals(PAYLOAD)).toBe(true)
    await protocol.waitFor('connectionLost')
    expect(protocol.lostError).toBeUndefined()
  })

  it('reports connectionLost after the flush, not after the lingering', async () => {
    const { client, protocol, socket } = await connectPaused()
    await protocol.waitFor('connectionLost')
    expect(protocol.lostError).toBeUndefined()
    expect(socket.destroyed).toBe(false)
    const received = await readAll(client)
    expect(received.equals(PAYLOAD)).toBe(true)
    // The peer's EOF (rawClient allows half-open: end it by hand) ends the lingering.
    client.end()
    await once(socket, 'close')
  })

  it('stops lingering after lingerTimeout when the peer never sends its EOF', async () => {
    const { client, socket } = await connectPaused({ lingerTimeout: 50 })
    // The client reads everything but never ends its side.
    await readAll(client)
    if (!socket.destroyed) {
      await once(socket, 'close')
    }
    expect(client.writableEnded).toBe(false)
  })

  it('ends the lingering early when the idle timeout fires, without an error', async () => {
    // A linger longer than the test's own timeout: only the idle timer can close the socket.
    const { client, protocol, socket } = await connectPaused({
      idleTimeout: 100,
      lingerTimeout: 60_000,
    })
    await readAll(client)
    if (!socket.destroyed) {
      await once(socket, 'close')
    }
    expect(client.writableEnded).toBe(false)
    expect(protocol.names.filter((name) => name === 'connectionLost')).toHaveLength(1)
    expect(protocol.lostError).toBeUndefined()
  })
})
