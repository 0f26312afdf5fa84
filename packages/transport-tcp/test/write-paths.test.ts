import { randomBytes } from 'node:crypto'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs'
import type { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { IdleTimeoutError, type Transport } from '@wirekit/protocol-core'
import type { TCPServerOptions } from '../src/index.ts'
import { detectWritePath } from '../src/direct-writes.ts'
import {
  Cleanup,
  echoThroughChild,
  fixture,
  rawClient,
  readAll,
  Recorder,
  serveCollecting,
} from './helpers.ts'

const cleanup = new Cleanup()
afterEach(() => cleanup.run())

const streamWrites = process.env.WIREKIT_TCP_WRITES === 'stream'
const eventReads = process.env.WIREKIT_TCP_READS === 'events'

/** A server with one connection: the client's raw socket, and the server side's recorder, transport and socket. */
async function connection(options: TCPServerOptions = {}): Promise<{
  peer: Socket
  protocol: Recorder
  transport: Transport
  socket: Socket
}> {
  const { server, protocols } = await serveCollecting(cleanup, () => new Recorder(), options)
  const peer = cleanup.add(await rawClient(server), (s) => s.destroy())
  await expect.poll(() => protocols.length).toBe(1)
  const [protocol] = protocols as [Recorder]
  await protocol.waitFor('connectionMade')
  const transport = protocol.transport
  const socket = transport?.getExtraInfo('socket') as Socket | undefined
  if (transport === undefined || socket === undefined) {
    throw new Error('connectionMade gave no transport')
  }
  return { peer, protocol, transport, socket }
}

describe(`write path (${streamWrites ? "the socket's stream" : 'straight to the descriptor'})`, () => {
  it('is the one this test project is for', async () => {
    // Node 20.19+ has everything direct writes need: the fast path must be on wherever the stream
    // was not asked for (this runs on every Node line CI tests).
    const path = await detectWritePath()
    expect(path.kind).toBe(streamWrites ? 'stream' : 'direct')
  })

  it('sends a write the kernel takes at once without the stream only on the direct path, and counts it', async () => {
    const { peer, transport, socket } = await connection()
    const write = vi.spyOn(socket, 'write')
    transport.write(new TextEncoder().encode('hello'))
    transport.writeLines([new TextEncoder().encode(', '), new TextEncoder().encode('world')])
    expect(write).toHaveBeenCalledTimes(streamWrites ? 3 : 0)
    expect(socket.writableLength).toBe(0)
    expect(transport.getWriteBufferSize()).toBe(0)
    expect(socket.bytesWritten).toBe(12)
    transport.close()
    expect((await readAll(peer)).toString()).toBe('hello, world')
  })

  it('never sends later changes to the caller’s memory, whatever part the kernel took at once', async () => {
    const { peer, transport, socket } = await connection()
    peer.pause()
    // Far more than the kernel's buffers hold while the peer reads nothing: part of it leaves at
    // once, the rest waits in the process, and the caller overwrites its memory right away.
    const source = randomBytes(16 * 1024 * 1024)
    const expected = Buffer.from(source)
    transport.write(source)
    expect(transport.getWriteBufferSize()).toBeGreaterThan(0)
    source.fill(0)
    const lines = [randomBytes(1024 * 1024), randomBytes(1024 * 1024)]
    const expectedLines = Buffer.concat(lines)
    transport.writeLines(lines)
    lines.forEach((line) => line.fill(0))
    expect(socket.bytesWritten).toBe(expected.length + expectedLines.length)
    transport.close()
    const received = await readAll(peer)
    expect(received.length).toBe(expected.length + expectedLines.length)
    expect(received.subarray(0, expected.length).equals(expected)).toBe(true)
    expect(received.subarray(expected.length).equals(expectedLines)).toBe(true)
  })

  it('sends writes in order across a partial write: later bytes never overtake queued ones', async () => {
    const { peer, transport } = await connection()
    peer.pause()
    const chunks: Buffer[] = []
    const send = (size: number, lines: boolean): void => {
      const chunk = randomBytes(size)
      chunks.push(Buffer.from(chunk))
      if (lines) {
        transport.writeLines([chunk.subarray(0, size >> 1), chunk.subarray(size >> 1)])
      } else {
        transport.write(chunk)
      }
    }
    // Small writes fill the kernel's buffers until one of them is taken only in part; the writes
    // after it (small enough to fit anywhere) must queue behind it.
    for (let i = 0; i < 20_000 && transport.getWriteBufferSize() === 0; i++) {
      send(7919, i % 3 === 0)
    }
    expect(transport.getWriteBufferSize()).toBeGreaterThan(0)
    for (let i = 0; i < 50; i++) {
      send(1 + i * 13, i % 2 === 0)
    }
    // Now the peer reads slowly while more is written between the loop's turns: the kernel has
    // room again before the process has handed it everything queued, and new bytes must wait.
    const parts: Buffer[] = []
    let behindQueued = 0
    for (let i = 0; i < 5000 && behindQueued < 200; i++) {
      if (transport.getWriteBufferSize() > 0) {
        behindQueued += 1
      }
      send(4000 + ((i * 1009) % 8000), i % 5 === 0)
      await new Promise((resolve) => setImmediate(resolve))
      const part = peer.read(4096) as Buffer | null
      if (part != null) {
        parts.push(part)
      }
    }
    expect(behindQueued).toBe(200)
    transport.close()
    parts.push(await readAll(peer))
    expect(Buffer.concat(parts).equals(Buffer.concat(chunks))).toBe(true)
  })

  it('loses a connection whose peer reset on a write, with the error Node’s stream gives', async () => {
    const { peer, protocol, transport } = await connection()
    // Not reading: the reset can only show on a write.
    transport.pauseReading()
    peer.resetAndDestroy()
    for (let i = 0; i < 1000 && !protocol.names.includes('connectionLost'); i++) {
      transport.write(new TextEncoder().encode('into a reset connection'))
      await new Promise((resolve) => setImmediate(resolve))
    }
    await protocol.waitFor('connectionLost')
    const error = protocol.lostError as NodeJS.ErrnoException
    expect(error.code).toMatch(/^(ECONNRESET|EPIPE)$/)
    expect(error.message).toBe(`${String(error.syscall)} ${error.code}`)
    expect(typeof error.errno).toBe('number')
    // Sockets that read into user buffers stop reading in the kernel: only a write sees the reset.
    if (!eventReads) {
      expect(error.syscall).toBe('write')
    }
    expect(protocol.names.filter((name) => name === 'connectionLost')).toHaveLength(1)
  })

  it('never writes to a descriptor its socket gave up, whatever number it holds now', async () => {
    const { transport, socket } = await connection()
    const fd = (socket as unknown as { _handle: { fd: number } })._handle.fd
    // As after a socket error: the socket is destroyed, and the transport hears of it only with
    // the 'close' event, after this turn. A file opened now takes the lowest free number: the same.
    socket.destroy()
    const folder = cleanup.add(mkdtempSync(join(tmpdir(), 'wirekit-')), (path) => {
      rmSync(path, { recursive: true })
    })
    const file = cleanup.add(openSync(join(folder, 'reused'), 'w+'), closeSync)
    expect(file).toBe(fd)
    transport.write(new TextEncoder().encode('not for this file'))
    transport.writeLines([new TextEncoder().encode('nor this')])
    expect(readFileSync(join(folder, 'reused')).length).toBe(0)
  })

  it('keeps a connection whose only traffic is outgoing alive past idleTimeout', async () => {
    const { peer, protocol, transport } = await connection({ idleTimeout: 600 })
    peer.resume()
    // The server sends a byte every 100 ms for longer than the timeout; the peer never sends.
    for (let i = 0; i < 10; i++) {
      transport.write(new TextEncoder().encode('x'))
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(protocol.names).not.toContain('connectionLost')
    await protocol.waitFor('connectionLost')
    expect(protocol.lostError).toBeInstanceOf(IdleTimeoutError)
  })
})

describe('a write path chosen by accident', () => {
  it('is said once, by a server that writes through the stream without being asked, and still echoes', async () => {
    const broken = await echoThroughChild(cleanup, [
      '--import',
      fixture('hide-bytes-written-getter.mjs'),
    ])
    expect(broken.echoed).toBe('through the fallback')
    const warnings = broken.stderr.filter((line) => line.startsWith('warning: '))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/write through Node's stream.*bytesWritten/)

    const healthy = await echoThroughChild(cleanup, [])
    expect(healthy.echoed).toBe('through the fallback')
    expect(healthy.stderr).toEqual([])
  })
})
