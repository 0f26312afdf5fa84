import { createMemoryPair } from '@wirekit/transport-memory'
import { describe, expect, it } from 'vitest'
import type { FrameTooLongError } from '../src/index.ts'
import {
  LengthPrefixedProtocol,
  LineProtocol,
  type LengthPrefixedProtocolOptions,
} from '../src/index.ts'

const encode = (text: string): Uint8Array => new TextEncoder().encode(text)
const decode = (data: Uint8Array): string => new TextDecoder().decode(data)

/** Answers each line in upper case. */
class ShoutServer extends LineProtocol {
  override lineReceived(line: Uint8Array): void {
    this.sendLine(encode(decode(line).toUpperCase()))
  }
}

/** Sends lines, half-closes, and collects the answers and the flow-control calls. */
class LineClient extends LineProtocol {
  readonly lines: string[] = []
  readonly flow: string[] = []
  readonly #toSend: readonly string[]

  constructor(toSend: readonly string[]) {
    super()
    this.#toSend = toSend
  }

  override connectionMade(transport: Parameters<LineProtocol['connectionMade']>[0]): void {
    super.connectionMade(transport)
    for (const line of this.#toSend) {
      this.sendLine(encode(line))
    }
  }

  override lineReceived(line: Uint8Array): void {
    this.lines.push(decode(line))
  }

  override pauseWriting(): void {
    this.flow.push('pauseWriting')
  }

  override resumeWriting(): void {
    this.flow.push('resumeWriting')
  }
}

describe('LineProtocol over the memory transport', () => {
  it('frames the same lines for every seeded chunking, down to 1-byte reads', () => {
    const sent = Array.from({ length: 200 }, (_, i) => `line ${i} ${'x'.repeat(i % 37)}`)
    for (const seed of [1, 2, 3, 4, 5]) {
      const pair = createMemoryPair(
        () => new LineClient(sent),
        () => new ShoutServer(),
        { rechunk: { seed, maxChunkSize: 1 + seed * 3 } },
      )
      pair.flush()
      expect(pair.client.protocol.lines).toEqual(sent.map((line) => line.toUpperCase()))
    }
  })

  it('passes pauseWriting and resumeWriting on to the subclass, unchanged', () => {
    const sent = Array.from({ length: 100 }, () => 'y'.repeat(100))
    const pair = createMemoryPair(
      () => new LineClient(sent),
      () => new ShoutServer(),
      { client: { writeBufferLimits: { high: 1000 } }, maxBytesPerStep: 500 },
    )
    expect(pair.client.protocol.flow).toEqual(['pauseWriting'])
    pair.flush()
    expect(pair.client.protocol.flow).toEqual(['pauseWriting', 'resumeWriting'])
    expect(pair.client.protocol.lines).toHaveLength(100)
  })

  it('refuses a line past maxLength whose bytes arrive one by one, and aborts', () => {
    const accepted: string[] = []
    const errors: FrameTooLongError[] = []
    class Strict extends LineProtocol {
      constructor() {
        super({ maxLength: 10 })
      }
      override lineReceived(line: Uint8Array): void {
        accepted.push(decode(line))
      }
      override lineTooLong(error: FrameTooLongError): void {
        errors.push(error)
      }
    }
    const pair = createMemoryPair(
      () => new LineClient(['0123456789', '0123456789A', 'never read']),
      () => new Strict(),
      { rechunk: { seed: 9, maxChunkSize: 1 } },
    )
    pair.flush()
    expect(accepted).toEqual(['0123456789'])
    expect(errors).toHaveLength(1)
    expect(errors[0]?.maxLength).toBe(10)
    expect(pair.done).toBe(true)
  })
})

/** Records the lines it gets; closes on QUIT, pauses on a line starting with "wait". */
class Commands extends LineProtocol {
  readonly lines: string[] = []
  deliveredWhilePaused = 0

  override lineReceived(line: Uint8Array): void {
    if (this.transport?.isReading() === false) {
      this.deliveredWhilePaused++
    }
    const text = decode(line)
    this.lines.push(text)
    if (text === 'QUIT') {
      this.transport?.close()
    } else if (text.startsWith('wait')) {
      this.pauseReading()
    }
  }
}

describe('LineProtocol over the memory transport: a handler that closes or pauses', () => {
  const commands = ['a', 'QUIT', 'DELETE *', 'b']

  it('delivers no line after the one whose handler closed the transport, in any chunking', () => {
    for (const rechunk of [undefined, { seed: 1, maxChunkSize: 1 }, { seed: 2, maxChunkSize: 7 }]) {
      const pair = createMemoryPair(
        () => new LineClient(commands),
        () => new Commands(),
        rechunk === undefined ? {} : { rechunk },
      )
      pair.flush()
      expect(pair.server.protocol.lines).toEqual(['a', 'QUIT'])
      expect(pair.done).toBe(true)
    }
  })

  it('holds the lines after a pause and delivers them on resumeReading(), before any new data', () => {
    const sent = ['one', 'wait 1', 'two', 'three', 'wait 2', 'four']
    const pair = createMemoryPair(
      () => new LineClient(sent),
      () => new Commands(),
    )
    pair.flush()
    // The client's lines reached the server in one chunk: the rest of it waits in the framing.
    const server = pair.server.protocol
    expect(server.lines).toEqual(['one', 'wait 1'])
    server.resumeReading()
    expect(server.lines).toEqual(['one', 'wait 1', 'two', 'three', 'wait 2'])
    server.resumeReading()
    expect(server.lines).toEqual(sent)
    expect(server.deliveredWhilePaused).toBe(0)
    pair.flush()
    expect(server.lines).toEqual(sent)
  })
})

/** Echoes each frame back, prefixed the same way. */
class FrameEcho extends LengthPrefixedProtocol {
  override frameReceived(frame: Uint8Array): void {
    this.sendFrame(frame)
  }
}

class FrameClient extends LengthPrefixedProtocol {
  readonly frames: Uint8Array[] = []
  readonly #toSend: readonly Uint8Array[]

  constructor(toSend: readonly Uint8Array[], options: LengthPrefixedProtocolOptions) {
    super(options)
    this.#toSend = toSend
  }

  override connectionMade(
    transport: Parameters<LengthPrefixedProtocol['connectionMade']>[0],
  ): void {
    super.connectionMade(transport)
    for (const frame of this.#toSend) {
      this.sendFrame(frame)
    }
  }

  override frameReceived(frame: Uint8Array): void {
    this.frames.push(frame.slice())
  }
}

describe('LengthPrefixedProtocol over the memory transport', () => {
  it.each([
    { prefixLength: 1, endian: 'big' },
    { prefixLength: 2, endian: 'little' },
    { prefixLength: 4, endian: 'big' },
  ] as const)('round-trips frames of every size its prefix holds: %j', (options) => {
    const largest = Math.min(2 ** (8 * options.prefixLength) - 1, 70_000)
    const sizes = [0, 1, 2, 255, Math.min(256, largest), largest]
    const frames = sizes.map((size, i) => new Uint8Array(size).fill(i + 1))
    const pair = createMemoryPair(
      () => new FrameClient(frames, options),
      () => new FrameEcho(options),
      { rechunk: { seed: options.prefixLength, maxChunkSize: 3 } },
    )
    pair.flush()
    expect(pair.client.protocol.frames).toEqual(frames)
  })
})
