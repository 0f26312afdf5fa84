import { afterEach, describe, expect, it } from 'vitest'
import { BufferedProtocol } from '@wirekit/protocol-core'
import { createServer } from '../src/index.ts'
import { READ_SIZE } from '../src/read-buffer.ts'
import { userBufferReadsAvailable } from '../src/user-buffer-reads.ts'
import { Cleanup, rawClient } from './helpers.ts'

const cleanup = new Cleanup()
afterEach(() => cleanup.run())

const eventReads = process.env.WIREKIT_TCP_READS === 'events'

describe(`read path (${eventReads ? "'data' events" : 'user buffers'})`, () => {
  it('is the one this test project is for', async () => {
    const symbols = await userBufferReadsAvailable()
    if (eventReads) {
      expect(symbols).toBeUndefined()
    } else {
      // Node 20.19+ keeps onread's state in these symbols: the fast path must be on here.
      expect(symbols).toBeDefined()
    }
  })

  it('reads straight into a buffered protocol’s memory only on the user-buffer path', async () => {
    const hints: number[] = []
    let received = 0
    let lost = false
    class Sink extends BufferedProtocol {
      readonly memory = new Uint8Array(READ_SIZE)
      override getBuffer(sizeHint: number): Uint8Array {
        hints.push(sizeHint)
        return this.memory
      }
      override bufferUpdated(nbytes: number): void {
        received += nbytes
      }
      override connectionLost(): void {
        lost = true
      }
    }
    const server = await createServer(() => new Sink(), { host: '127.0.0.1', port: 0 })
    cleanup.add(server, (s) => s.close())
    const socket = await rawClient(server)
    socket.end(Buffer.alloc(1000))
    await expect.poll(() => lost).toBe(true)
    expect(received).toBe(1000)
    if (eventReads) {
      expect(hints).toEqual([1000])
    } else {
      expect(hints.every((hint) => hint === READ_SIZE)).toBe(true)
    }
  })
})
