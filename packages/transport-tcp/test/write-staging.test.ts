import { createHash, type Hash } from 'node:crypto'
import type { Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { Transport } from '@wirekit/protocol-core'
import { Cleanup, rawClient, readAll, Recorder, serveCollecting } from './helpers.ts'

const cleanup = new Cleanup()
afterEach(() => cleanup.run())

/** A seeded generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648
    return state / 2147483648
  }
}

interface Peer {
  readonly socket: Socket
  readonly transport: Transport
  readonly sent: Hash
  size: number
  received?: Promise<Buffer>
}

describe('TCP transport: the reused write copies', () => {
  it('keep every pending write intact while other writes, on this and other connections, reuse memory', async () => {
    const { server, protocols } = await serveCollecting(cleanup, () => new Recorder())
    // Two peers that read nothing until the end (their writes stay pending and borrow staging
    // buffers) and one that reads all along (its writes leave at once and reuse them).
    const sockets = [await rawClient(server), await rawClient(server), await rawClient(server)]
    sockets[0]?.pause()
    sockets[1]?.pause()
    sockets.forEach((socket) => cleanup.add(socket, (s) => s.destroy()))
    await expect.poll(() => protocols.length).toBe(3)
    const peers: Peer[] = sockets.map((socket, i) => {
      const transport = protocols[i]?.transport
      if (transport === undefined) {
        throw new Error('connectionMade gave no transport')
      }
      return { socket, transport, sent: createHash('sha256'), size: 0 }
    })
    const [stalledA, stalledB, reading] = peers as [Peer, Peer, Peer]
    reading.received = readAll(reading.socket)

    // One source array, refilled before every write: a copy reused too early shows.
    const source = new Uint8Array(64 * 1024)
    const next = random(42)
    let round = 0
    const write = (peer: Peer): void => {
      const size = 1 + Math.floor(next() * source.length)
      source.fill(round++ % 251, 0, size)
      const chunk = source.subarray(0, size)
      if (round % 7 === 0) {
        peer.transport.writeLines([chunk.subarray(0, size >> 1), chunk.subarray(size >> 1)])
      } else {
        peer.transport.write(chunk)
      }
      peer.sent.update(chunk)
      peer.size += size
    }
    const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))
    // A stalls first; after a turn (completion callbacks run), B stalls; the reader goes on.
    for (const stalled of [stalledA, stalledB]) {
      for (let i = 0; i < 300 && stalled.transport.getWriteBufferSize() === 0; i++) {
        // Two writes in one turn: the first one's completion is reported after the second pends.
        write(stalled)
        write(stalled)
        write(reading)
        await turn()
      }
      expect(stalled.transport.getWriteBufferSize()).toBeGreaterThan(0)
      for (let i = 0; i < 40; i++) {
        write(stalled)
        write(reading)
        if (i % 10 === 0) {
          await turn()
        }
      }
    }
    const received = peers.map((peer) => {
      peer.transport.close()
      return peer.received ?? readAll(peer.socket)
    })
    for (const [i, peer] of peers.entries()) {
      const bytes = await received[i]
      expect(bytes?.length).toBe(peer.size)
      expect(
        createHash('sha256')
          .update(bytes ?? Buffer.alloc(0))
          .digest('hex'),
      ).toBe(peer.sent.digest('hex'))
    }
  })
})
