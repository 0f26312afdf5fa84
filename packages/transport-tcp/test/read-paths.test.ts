import { afterEach, describe, expect, it } from 'vitest'
import { BufferedProtocol } from '@wirekit/protocol-core'
import { createServer } from '../src/index.ts'
import { READ_SIZE } from '../src/read-buffer.ts'
import { unsentBytesExact } from '../src/unsent-bytes.ts'
import { detectReadPath } from '../src/user-buffer-reads.ts'
import { Cleanup, echoThroughChild, fixture, rawClient } from './helpers.ts'

const cleanup = new Cleanup()
afterEach(() => cleanup.run())

const eventReads = process.env.WIREKIT_TCP_READS === 'events'

describe(`read path (${eventReads ? "'data' events" : 'user buffers'})`, () => {
  it('is the one this test project is for', async () => {
    const path = await detectReadPath()
    // Node 20.19+ keeps onread's state in the symbols the transport looks for: the fast path must
    // be on wherever events were not asked for (this runs on every Node line CI tests).
    expect(path.kind).toBe(eventReads ? 'events' : 'user-buffers')
  })

  it('counts unsent bytes exactly on this Node (the fields it reads exist)', async () => {
    const server = await createServer(() => new BufferedSink(), { host: '127.0.0.1', port: 0 })
    cleanup.add(server, (s) => s.close())
    const socket = await rawClient(server)
    expect(unsentBytesExact(socket)).toBe(true)
    socket.destroy()
  })

  it('reads straight into a buffered protocol’s memory only on the user-buffer path', async () => {
    // On the user-buffer path the socket reads into the memory getBuffer() gave, so when the
    // transport asks for the buffer again at the end of the read, the new bytes are there already.
    // On the events path the bytes are copied in only after that call.
    const memory = new Uint8Array(READ_SIZE)
    const seenAtGetBuffer: string[] = []
    const hints: number[] = []
    let received = ''
    let lost = false
    class Sink extends BufferedProtocol {
      override getBuffer(sizeHint: number): Uint8Array {
        hints.push(sizeHint)
        seenAtGetBuffer.push(Buffer.from(memory.subarray(0, 4)).toString('latin1'))
        return memory
      }
      override bufferUpdated(nbytes: number): void {
        received += Buffer.from(memory.subarray(0, nbytes)).toString('latin1')
      }
      override connectionLost(): void {
        lost = true
      }
    }
    const server = await createServer(() => new Sink(), { host: '127.0.0.1', port: 0 })
    cleanup.add(server, (s) => s.close())
    const socket = await rawClient(server)
    socket.write('AAAA')
    await expect.poll(() => received).toBe('AAAA')
    socket.end('BBBB')
    await expect.poll(() => lost).toBe(true)
    expect(received).toBe('AAAABBBB')
    expect(seenAtGetBuffer.includes('BBBB')).toBe(!eventReads)
    // Asked ahead of a read only on the user-buffer path, with the size of a read.
    expect(hints.includes(READ_SIZE)).toBe(!eventReads)
  })
})

/** A buffered protocol that takes everything into one fixed buffer. */
class BufferedSink extends BufferedProtocol {
  readonly memory = new Uint8Array(1024)
  override getBuffer(): Uint8Array {
    return this.memory
  }
  override bufferUpdated(): void {
    // Nothing kept.
  }
}

describe('a read path chosen by accident', () => {
  it('is said once, by a server that falls back to events without being asked, and still echoes', async () => {
    const broken = await echoThroughChild(cleanup, ['--import', fixture('hide-onread-symbol.mjs')])
    expect(broken.echoed).toBe('through the fallback')
    const warnings = broken.stderr.filter((line) => line.startsWith('warning: '))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/read through 'data' events.*kBufferGen/)

    const healthy = await echoThroughChild(cleanup, [])
    expect(healthy.echoed).toBe('through the fallback')
    expect(healthy.stderr).toEqual([])
  })
})
