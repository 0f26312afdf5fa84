import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { Transport } from '@wirekit/protocol-core'
import {
  type FrameTooLongError,
  LengthPrefixedProtocol,
  type LengthPrefixedProtocolOptions,
} from '../src/index.ts'

class Collector extends LengthPrefixedProtocol {
  readonly frames: number[][] = []
  readonly errors: FrameTooLongError[] = []
  readonly partial: Uint8Array[] = []
  override frameReceived(frame: Uint8Array): void {
    this.frames.push([...frame])
  }
  override frameTooLong(error: FrameTooLongError): void {
    this.errors.push(error)
  }
  override partialFrameAtEof(rest: Uint8Array): void {
    this.partial.push(rest)
  }
}

/** A transport that hands what is written straight to a peer protocol's dataReceived. */
function loopback(peer?: LengthPrefixedProtocol): { transport: Transport; aborted: () => boolean } {
  let aborted = false
  const transport = {
    writeLines(chunks: Iterable<Uint8Array>) {
      for (const c of chunks) if (c.length > 0) peer?.dataReceived(c)
    },
    abort() {
      aborted = true
    },
  } as unknown as Transport
  return { transport, aborted: () => aborted }
}

function encode(frames: number[][], options: LengthPrefixedProtocolOptions): Uint8Array {
  const bytes: number[] = []
  const sender = new LengthPrefixedProtocol(options)
  sender.connectionMade({
    writeLines(chunks: Iterable<Uint8Array>) {
      for (const c of chunks) bytes.push(...c)
    },
  } as unknown as Transport)
  for (const f of frames) sender.sendFrame(new Uint8Array(f))
  return new Uint8Array(bytes)
}

const prefixes = fc.record({
  prefixLength: fc.constantFrom(1 as const, 2 as const, 4 as const),
  endian: fc.constantFrom('big' as const, 'little' as const),
})

describe('LengthPrefixedProtocol', () => {
  it('yields the same frames for any chunking', () => {
    fc.assert(
      fc.property(
        prefixes,
        fc.array(fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 }), { maxLength: 10 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (options, frames, cuts) => {
          const stream = encode(frames, options)
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort(
            (a, b) => a - b,
          )
          const p = new Collector(options)
          p.connectionMade(loopback().transport)
          let last = 0
          for (const point of [...points, stream.length]) {
            if (point > last) p.dataReceived(stream.subarray(last, point))
            last = point
          }
          p.eofReceived()
          expect(p.frames).toEqual(frames)
          expect(p.partial).toEqual([])
        },
      ),
    )
  })

  it('round-trips sendFrame -> transport -> frameReceived for each width and endianness', () => {
    for (const prefixLength of [1, 2, 4] as const) {
      for (const endian of ['big', 'little'] as const) {
        const receiver = new Collector({ prefixLength, endian })
        const sender = new LengthPrefixedProtocol({ prefixLength, endian })
        sender.connectionMade(loopback(receiver).transport)
        const big = Array.from({ length: prefixLength === 1 ? 255 : 300 }, (_, i) => i % 256)
        sender.sendFrame(new Uint8Array(big))
        sender.sendFrame(new Uint8Array([]))
        expect(receiver.frames).toEqual([big, []])
      }
    }
  })

  it('refuses a frame above the maximum as soon as its prefix arrives', () => {
    const p = new Collector({ prefixLength: 2, maxLength: 10 })
    const t = loopback()
    p.connectionMade(t.transport)
    p.dataReceived(new Uint8Array([0, 11]))
    expect(p.errors).toHaveLength(1)
    expect(p.errors[0]?.length).toBe(11)
    expect(t.aborted()).toBe(true)
  })

  it('sendFrame throws RangeError past the maximum', () => {
    const p = new LengthPrefixedProtocol({ prefixLength: 1 })
    expect(() => {
      p.sendFrame(new Uint8Array(256))
    }).toThrow(RangeError)
  })

  it('reports a partial frame at EOF', () => {
    const p = new Collector({ prefixLength: 1 })
    p.dataReceived(new Uint8Array([3, 1]))
    p.eofReceived()
    expect(p.partial).toEqual([new Uint8Array([3, 1])])
  })

  it('splits a million frames in one chunk', () => {
    const n = 1_000_000
    const data = new Uint8Array(n * 2)
    for (let i = 0; i < data.length; i += 2) data[i] = 1
    let count = 0
    const p = new (class extends LengthPrefixedProtocol {
      override frameReceived(): void {
        count++
      }
    })({ prefixLength: 1 })
    p.dataReceived(data)
    expect(count).toBe(n)
  })

  it('validates its options', () => {
    expect(() => new LengthPrefixedProtocol({ prefixLength: 3 as 1 })).toThrow(/prefixLength/)
    expect(() => new LengthPrefixedProtocol({ endian: 'x' as 'big' })).toThrow(TypeError)
    expect(() => new LengthPrefixedProtocol({ prefixLength: 1, maxLength: 256 })).toThrow(
      RangeError,
    )
  })
})
