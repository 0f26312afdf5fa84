import type { LogSink } from '@wirekit/app-support'
import { Protocol, type Transport } from '@wirekit/protocol-core'
import { createMemoryPair, type MemoryPairOptions } from '@wirekit/transport-memory'
import { describe, expect, it } from 'vitest'
import { EchoServer } from '../src/echo-protocol.ts'

/**
 * The seed's client, reduced to what the tests look at: it sends, half-closes (unless there is
 * nothing to send: then the test writes), and collects.
 */
class SeedClient extends Protocol {
  readonly chunks: Buffer[] = []
  readonly events: string[] = []
  lostError: Error | undefined
  readonly #messages: readonly string[]

  constructor(messages: readonly string[]) {
    super()
    this.#messages = messages
  }

  get received(): Buffer {
    return Buffer.concat(this.chunks)
  }

  override connectionMade(transport: Transport): void {
    super.connectionMade(transport)
    if (this.#messages.length === 0) {
      return
    }
    for (const message of this.#messages) {
      transport.write(Buffer.from(message))
    }
    transport.writeEof()
  }

  override dataReceived(data: Uint8Array): void {
    this.chunks.push(Buffer.from(data))
  }

  override eofReceived(): boolean {
    this.events.push('eofReceived')
    return false
  }

  override connectionLost(error: Error | undefined): void {
    this.events.push('connectionLost')
    this.lostError = error
  }
}

function collectingSink(): LogSink & { readonly lines: string[] } {
  const lines: string[] = []
  return { level: 'debug', lines, write: (line) => lines.push(line.trimEnd()) }
}

const SEED_MESSAGES = ['This is the message. ', 'It will be sent ', 'in parts.']

function echoOverMemory(messages: readonly string[], options: MemoryPairOptions = {}) {
  const sink = collectingSink()
  const pair = createMemoryPair(
    () => new SeedClient(messages),
    () => new EchoServer(sink),
    options,
  )
  return { pair, sink }
}

describe('the echo server, unchanged, over the memory transport', () => {
  it('plays the seed exchange: the echo, EOF for EOF, and the seed’s log lines', () => {
    const { pair, sink } = echoOverMemory(SEED_MESSAGES)
    pair.flush()
    expect(pair.done).toBe(true)
    expect(pair.client.protocol.received.toString()).toBe(SEED_MESSAGES.join(''))
    expect(pair.client.protocol.events).toEqual(['eofReceived', 'connectionLost'])
    expect(pair.client.protocol.lostError).toBeUndefined()
    const sockname = pair.client.transport.getExtraInfo('sockname')
    const port = typeof sockname === 'object' ? sockname.port : undefined
    const name = `EchoServer_memory_${port}`
    expect(sink.lines).toEqual([
      `${name}: connection accepted`,
      `${name}: received b'This is the message. It will be sent in parts.'`,
      `${name}: sent b'This is the message. It will be sent in parts.'`,
      `${name}: received EOF`,
      `${name}: closing`,
    ])
  })

  it('echoes byte-exact however the stream is chunked (seeded, 1 to 7 bytes per read)', () => {
    // 16 KiB in reads of 1 to 7 bytes: thousands of reads per seed, CPU-bound (the timeout below
    // is for a machine busy with the rest of the suite).
    const payload = Buffer.alloc(16 * 1024)
    for (let i = 0; i < payload.length; i += 1) {
      payload[i] = (i * 31 + (i >> 9)) % 256
    }
    for (const seed of [1, 2, 3]) {
      const { pair } = echoOverMemory([payload.toString('latin1')], {
        rechunk: { seed, maxChunkSize: 7 },
      })
      pair.flush()
      expect(pair.client.protocol.received.equals(Buffer.from(payload.toString('latin1')))).toBe(
        true,
      )
      expect(pair.done).toBe(true)
    }
  }, 120_000)

  it('stops reading from a client that does not read, so its own buffer stays bounded', () => {
    const { pair } = echoOverMemory([])
    const client = pair.client
    client.transport.pauseReading()
    const chunk = Buffer.alloc(16 * 1024, 0x61)
    let largest = 0
    for (let i = 0; i < 64; i += 1) {
      client.transport.write(chunk)
      pair.step()
      largest = Math.max(largest, pair.server.transport.getWriteBufferSize())
    }
    // 1 MiB sent: the server paused reading above its 64 KiB high-water mark, so the rest waits
    // in the client's buffer.
    expect(pair.server.transport.isReading()).toBe(false)
    expect(largest).toBeLessThanOrEqual(64 * 1024 + 16 * 1024)
    expect(client.transport.getWriteBufferSize()).toBeGreaterThan(512 * 1024)
    client.transport.resumeReading()
    client.transport.writeEof()
    pair.flush()
    expect(client.protocol.received.length).toBe(64 * chunk.length)
    expect(pair.done).toBe(true)
  })

  it('logs a reset in the middle of a transfer once, as an error', () => {
    const { pair, sink } = echoOverMemory(['x'.repeat(10_000)], { resetAfterBytes: 5000 })
    pair.flush()
    expect(pair.done).toBe(true)
    const errors = sink.lines.filter((line) => line.includes('ERROR'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/ERROR: connection reset by peer/)
  })
})
