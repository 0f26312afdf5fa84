import { describe, expect, it } from 'vitest'
import {
  type FrameTooLongError,
  LengthPrefixedProtocol,
  type LengthPrefixedProtocolOptions,
} from '../src/index.ts'
import { FakeTransport } from './fake-transport.ts'

/** Records every callback, and runs `onFrame` after recording each frame. */
class Collector extends LengthPrefixedProtocol {
  readonly frames: number[][] = []
  readonly errors: FrameTooLongError[] = []
  readonly partial: Uint8Array[] = []
  onFrame: (frame: number[]) => void = () => undefined
  override frameReceived(frame: Uint8Array): void {
    this.frames.push([...frame])
    this.onFrame([...frame])
  }
  override frameTooLong(error: FrameTooLongError): void {
    this.errors.push(error)
  }
  override partialFrameAtEof(rest: Uint8Array): void {
    this.partial.push(rest)
  }
}

function connect(options: LengthPrefixedProtocolOptions = {}): { p: Collector; t: FakeTransport } {
  const p = new Collector(options)
  return { p, t: new FakeTransport(p) }
}

/** Frames of one byte each (1-byte prefix): `[1, b]` for each `b`. */
const oneByteFrames = (...bytes: number[]): Uint8Array =>
  new Uint8Array(bytes.flatMap((b) => [1, b]))

describe('LengthPrefixedProtocol', () => {
  it('round-trips sendFrame -> transport -> frameReceived for each width and endianness', () => {
    for (const prefixLength of [1, 2, 4] as const) {
      for (const endian of ['big', 'little'] as const) {
        const receiver = connect({ prefixLength, endian })
        const sender = new LengthPrefixedProtocol({ prefixLength, endian })
        const wire = new FakeTransport(sender)
        const big = Array.from({ length: prefixLength === 1 ? 255 : 300 }, (_, i) => i % 256)
        sender.sendFrame(new Uint8Array(big))
        sender.sendFrame(new Uint8Array([]))
        for (const chunk of wire.written) {
          if (chunk.length > 0) {
            receiver.t.receive(chunk)
          }
        }
        expect(receiver.p.frames).toEqual([big, []])
      }
    }
  })

  it('refuses a frame above the maximum as soon as its prefix arrives', () => {
    const { p, t } = connect({ prefixLength: 2, maxLength: 10 })
    t.receive(new Uint8Array([0, 11]))
    expect(p.errors).toHaveLength(1)
    expect(p.errors[0]?.length).toBe(11)
    expect(t.endedBy).toBe('abort')
  })

  it('sendFrame throws RangeError past the maximum', () => {
    const p = new LengthPrefixedProtocol({ prefixLength: 1 })
    expect(() => {
      p.sendFrame(new Uint8Array(256))
    }).toThrow(RangeError)
  })

  it('reports a partial frame at EOF', () => {
    const { p, t } = connect({ prefixLength: 1 })
    t.receive(new Uint8Array([3, 1]))
    t.receiveEof()
    expect(p.partial).toEqual([new Uint8Array([3, 1])])
  })

  it('delivers no frame once frameReceived closes or aborts the transport, and keeps nothing', () => {
    for (const end of ['close', 'abort'] as const) {
      const { p, t } = connect({ prefixLength: 1 })
      p.onFrame = ([b]) => {
        if (b === 2) {
          p.transport?.[end]()
        }
      }
      t.receive(new Uint8Array([...oneByteFrames(1, 2, 3), 5, 0]))
      // A transport drops what arrives once closing, but a protocol must not rely on it.
      p.dataReceived(oneByteFrames(4))
      p.eofReceived()
      expect(p.frames).toEqual([[1], [2]])
      expect(p.partial).toEqual([])
      expect(t.endedBy).toBe(end)
    }
  })

  it('holds the frames after a pause in frameReceived and delivers them on resumeReading(), without new data', () => {
    const { p, t } = connect({ prefixLength: 1 })
    p.onFrame = ([b]) => {
      if (b === 0) {
        p.pauseReading()
      }
    }
    t.receive(oneByteFrames(1, 0, 2, 0, 3))
    expect(p.frames).toEqual([[1], [0]])
    t.receive(oneByteFrames(4)) // held by the transport while paused
    p.resumeReading()
    expect(p.frames).toEqual([[1], [0], [2], [0]])
    p.resumeReading()
    expect(p.frames).toEqual([[1], [0], [2], [0], [3], [4]])
  })

  it('at EOF while paused keeps the transport open, then delivers, reports the rest and closes', () => {
    const p = new Collector({ prefixLength: 1 })
    const t = new FakeTransport(p, 'deliver')
    p.onFrame = ([b]) => {
      if (b === 0) {
        p.pauseReading()
      }
    }
    t.receive(new Uint8Array([...oneByteFrames(0, 1), 2, 9]))
    t.receiveEof()
    expect(t.endedBy).toBeUndefined()
    p.resumeReading()
    expect(p.frames).toEqual([[0], [1]])
    expect(p.partial).toEqual([new Uint8Array([2, 9])])
    expect(t.endedBy).toBe('close')
  })

  it('holds only what has arrived of a frame announced large: 200 prefixes of 1 MiB cost kilobytes', () => {
    // Before it grew with what arrives, each of these allocated the whole announced MiB.
    const connections = 200
    const announcing1MiBAnd10Bytes = new Uint8Array([0, 0x10, 0, 0, ...Array<number>(10).fill(7)])
    const before = process.memoryUsage().arrayBuffers
    const held = Array.from({ length: connections }, () => {
      const { p, t } = connect({ maxLength: 1024 * 1024 })
      t.receive(announcing1MiBAnd10Bytes.slice())
      return p
    })
    const grown = process.memoryUsage().arrayBuffers - before
    expect(held.every((p) => p.frames.length === 0 && p.errors.length === 0)).toBe(true)
    expect(grown).toBeLessThan(connections * 16 * 1024)
  })

  it('splits a million frames in one chunk', () => {
    const n = 1_000_000
    const data = new Uint8Array(n * 2)
    for (let i = 0; i < data.length; i += 2) {
      data[i] = 1
    }
    let count = 0
    const p = new (class extends LengthPrefixedProtocol {
      override frameReceived(): void {
        count++
      }
    })({ prefixLength: 1 })
    new FakeTransport(p).receive(data)
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
