import { createHash, type Hash } from 'node:crypto'
import { once } from 'node:events'
import type { Socket } from 'node:net'
import { connect as tlsConnect, type TLSSocket } from 'node:tls'
import { afterEach, describe, expect, it } from 'vitest'
import { testCertificate } from '@wirekit/test-certificates'
import type { Transport } from '@wirekit/protocol-core'
import { SocketWriter } from '../src/socket-writer.ts'
import { MAX_PINNED, STAGING_SIZE, WriteStaging } from '../src/write-staging.ts'
import { Cleanup, portOf, rawClient, readAll, Recorder, serveCollecting } from './helpers.ts'

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

describe('WriteStaging', () => {
  const bytes = (size: number, fill: number): Uint8Array => new Uint8Array(size).fill(fill)

  it('never reuses a held copy; starts its chunk again once nothing is held', () => {
    const staging = new WriteStaging()
    const first = staging.copy(bytes(100, 1))
    const chunk = staging.lastChunk
    const second = staging.copy(bytes(50, 2))
    expect(second.buffer).toBe(first.buffer)
    expect(second.byteOffset).toBe(first.byteOffset + 100) // after the held copy
    staging.release(chunk)
    expect(first.every((b) => b === 1)).toBe(true)
    staging.release(chunk)
    // Nothing held: the next copy takes the chunk's first bytes again.
    const third = staging.copy(bytes(10, 3))
    expect(third.buffer).toBe(first.buffer)
    expect(third.byteOffset).toBe(first.byteOffset)
  })

  it('holds only the bytes of pending copies: 1,000 held copies of 1 KiB share 4 chunks', () => {
    const staging = new WriteStaging()
    const buffers = new Set<ArrayBufferLike>()
    const held = []
    for (let i = 0; i < 1000; i++) {
      const copy = staging.copy(bytes(1024, i % 256))
      buffers.add(copy.buffer)
      held.push({ copy, chunk: staging.lastChunk, fill: i % 256 })
    }
    expect(buffers.size).toBe(Math.ceil((1000 * 1024) / STAGING_SIZE))
    expect(held.every(({ copy, fill }) => copy.every((b) => b === fill))).toBe(true)
  })

  it('takes a full chunk back for reuse once its last copy is released', () => {
    const staging = new WriteStaging()
    const half = STAGING_SIZE / 2
    const a = staging.copy(bytes(half, 1))
    const fullChunk = staging.lastChunk
    const b = staging.copy(bytes(half, 2))
    const c = staging.copy(bytes(half, 3)) // does not fit: a second chunk
    expect(c.buffer).not.toBe(a.buffer)
    staging.release(fullChunk)
    staging.release(fullChunk)
    const d = staging.copy(bytes(half, 4))
    const e = staging.copy(bytes(half, 5)) // the second chunk is full: the first comes back
    expect(d.buffer).toBe(c.buffer)
    expect(e.buffer).toBe(a.buffer)
    expect(e.byteOffset).toBe(a.byteOffset)
    expect(a.every((x) => x === 5)).toBe(true) // the memory of the released a and b, reused
    expect(b.every((x) => x === 2)).toBe(true)
  })

  it('stages nothing more once 16 full chunks are held, until one comes back', () => {
    const staging = new WriteStaging()
    // Each copy fills a chunk: the first, then MAX_PINNED more (the full ones held).
    staging.copy(bytes(STAGING_SIZE, 0))
    const first = staging.lastChunk
    for (let i = 1; i <= MAX_PINNED; i++) {
      expect(staging.canCopy(STAGING_SIZE)).toBe(true)
      staging.copy(bytes(STAGING_SIZE, i))
    }
    expect(staging.canCopy(1)).toBe(false)
    expect(staging.canCopy(STAGING_SIZE + 1)).toBe(false)
    staging.release(first)
    expect(staging.canCopy(STAGING_SIZE)).toBe(true)
  })

  it('never reuses the memory of a chunk a destroyed socket held, yet counts it back', () => {
    const staging = new WriteStaging()
    const first = staging.copy(bytes(STAGING_SIZE, 1))
    const abandoned = staging.lastChunk
    const second = staging.copy(bytes(STAGING_SIZE, 2)) // a new chunk; the first is pinned
    const current = staging.lastChunk
    staging.abandon(abandoned)
    staging.release(current)
    const reused = new Set<ArrayBufferLike>()
    // The current chunk and 15 more full ones: one short of the cap, if the abandoned chunk was
    // counted back.
    for (let i = 0; i < MAX_PINNED; i++) {
      reused.add(staging.copy(bytes(STAGING_SIZE, 3)).buffer)
    }
    expect(reused.has(first.buffer)).toBe(false)
    expect(reused.has(second.buffer)).toBe(true) // released, not abandoned: reused
    expect(first.every((b) => b === 1)).toBe(true)
    expect(staging.canCopy(1)).toBe(true)
    staging.copy(bytes(STAGING_SIZE, 4))
    expect(staging.canCopy(1)).toBe(false)
  })
})

describe('TLS transport: write copies', () => {
  it('stay intact while pending (TLS writes complete later), on a stalled and a reading connection, although the source array changes', async () => {
    const { server, protocols } = await serveCollecting(cleanup, () => new Recorder(), {
      tls: testCertificate('server'),
    })
    const connectClient = async (): Promise<TLSSocket> => {
      const client = tlsConnect({
        host: '127.0.0.1',
        port: portOf(server),
        ca: testCertificate('ca').cert,
        servername: 'localhost',
      })
      cleanup.add(client, (c) => c.destroy())
      await once(client, 'secureConnect')
      return client
    }
    const stalledClient = await connectClient()
    stalledClient.pause()
    await expect.poll(() => protocols.length).toBe(1)
    const readingClient = await connectClient()
    const readingDone = readAll(readingClient)
    await expect.poll(() => protocols.length).toBe(2)
    const transports = protocols.map((protocol) => protocol.transport)
    const [stalled, reading] = transports
    if (stalled === undefined || reading === undefined) {
      throw new Error('connectionMade gave no transport')
    }
    const source = new Uint8Array(48 * 1024)
    const next = random(7)
    const sent = [createHash('sha256'), createHash('sha256')] as const
    const sizes = [0, 0]
    for (let round = 0; round < 400; round++) {
      const side = round % 3 === 0 ? 0 : 1
      const length = 1 + Math.floor(next() * source.length)
      source.fill(round % 251, 0, length)
      ;(side === 0 ? stalled : reading).write(source.subarray(0, length))
      sent[side].update(source.subarray(0, length))
      sizes[side] = (sizes[side] ?? 0) + length
      if (round % 20 === 0) {
        await new Promise((resolve) => setImmediate(resolve))
      }
    }
    expect(stalled.getWriteBufferSize()).toBeGreaterThan(0) // that client reads nothing yet
    stalled.close()
    reading.close()
    const received = [await readAll(stalledClient), await readingDone] as const
    for (const side of [0, 1] as const) {
      expect(received[side].length).toBe(sizes[side])
      expect(createHash('sha256').update(received[side]).digest('hex')).toBe(
        sent[side].digest('hex'),
      )
    }
  })
})

/** Just what SocketWriter uses of a socket: writes complete on the next tick, or never while stalled. */
class FakeSocket {
  writableLength = 0
  destroyed = false
  writableEnded = false
  stalled = false
  readonly pending: Buffer[] = []

  write(data: Buffer, callback: () => void): boolean {
    if (this.stalled) {
      this.pending.push(data)
      this.writableLength += data.length
    } else {
      process.nextTick(callback)
    }
    return true
  }

  cork(): void {
    // Nothing to batch: each write is seen alone.
  }

  uncork(): void {
    // As cork().
  }
}

// These tests leave their stalled copies held in the process's staging for good (the fake
// sockets never complete): keep them last in this file, or staging is at its cap for what follows.
describe('SocketWriter: staged copies of a socket whose peer stopped reading', () => {
  it('hold at most one staging chunk, however much other sockets write meanwhile', async () => {
    const stalledSocket = new FakeSocket()
    stalledSocket.stalled = true
    const stalled = new SocketWriter(stalledSocket as unknown as Socket)
    const flowing = new SocketWriter(new FakeSocket() as unknown as Socket)
    const expected: number[] = []
    for (let i = 0; i < 50; i++) {
      const fill = i % 251
      stalled.write(new Uint8Array(100).fill(fill), () => undefined)
      expected.push(fill)
      for (let j = 0; j < 300; j++) {
        flowing.write(new Uint8Array(1024).fill(255), () => flowing.completed())
      }
      await new Promise((resolve) => setImmediate(resolve))
    }
    const staged = new Set(
      stalledSocket.pending.map((copy) => copy.buffer).filter((b) => b.byteLength === STAGING_SIZE),
    )
    expect(staged.size).toBeLessThanOrEqual(1)
    // And none of the pending copies was overwritten by the other socket's writes.
    expect(
      stalledSocket.pending.map((copy) => (copy.every((b) => b === copy[0]) ? copy[0] : -1)),
    ).toEqual(expected)
  })

  it('pin at most 16 chunks beyond the current one, however many sockets stall', async () => {
    const flowing = new SocketWriter(new FakeSocket() as unknown as Socket)
    const stalledSockets: FakeSocket[] = []
    for (let i = 0; i < 40; i++) {
      const socket = new FakeSocket()
      socket.stalled = true
      stalledSockets.push(socket)
      new SocketWriter(socket as unknown as Socket).write(
        new Uint8Array(100).fill(i),
        () => undefined,
      )
      // Enough traffic from a flowing socket in between to fill the current chunk.
      for (let j = 0; j < 300; j++) {
        flowing.write(new Uint8Array(1024).fill(255), () => flowing.completed())
      }
      await new Promise((resolve) => setImmediate(resolve))
    }
    const pending = stalledSockets.flatMap((socket) => socket.pending)
    const staged = new Set(
      pending.map((copy) => copy.buffer).filter((b) => b.byteLength === STAGING_SIZE),
    )
    expect(staged.size).toBeLessThanOrEqual(MAX_PINNED + 1)
    expect(pending.map((copy) => (copy.every((b) => b === copy[0]) ? copy[0] : -1))).toEqual(
      stalledSockets.map((_, i) => i),
    )
  })
})
