import { describe, expect, it } from 'vitest'
import { LengthPrefixedDecoder } from '../src/length-prefixed-decoder.ts'

describe('LengthPrefixedDecoder', () => {
  it('grows its buffer with what has arrived, doubling, and hands on exactly the frame', () => {
    const length = 1024 * 1024
    const frames: Uint8Array[] = []
    const decoder = new LengthPrefixedDecoder(4, 'big', length, {
      frame: (frame) => frames.push(frame),
      tooLong: () => expect.unreachable(),
      rest: () => expect.unreachable(),
    })
    const more = (): boolean => true
    decoder.decode(new Uint8Array([0, 0x10, 0, 0]), more)
    expect(decoder.heldBytes).toBe(0)
    decoder.decode(new Uint8Array(10).fill(1), more)
    expect(decoder.heldBytes).toBe(1024)

    // The rest in 100-byte reads: the buffer only ever doubles, so copying stays linear.
    const sizes = new Set<number>()
    let heldAtMostTwiceReceived = true
    let received = 10
    while (received < length) {
      const n = Math.min(100, length - received)
      decoder.decode(new Uint8Array(n).fill(received % 251), more)
      received += n
      sizes.add(decoder.heldBytes)
      heldAtMostTwiceReceived &&= decoder.heldBytes <= Math.max(1024, 2 * received)
    }
    expect(heldAtMostTwiceReceived).toBe(true)
    expect([...sizes].filter((size) => size > 0)).toEqual([
      1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144, 524288, 1048576,
    ])
    expect(decoder.heldBytes).toBe(0)
    expect(frames).toHaveLength(1)
    expect(frames[0]?.length).toBe(length)
    const startOfReadHolding = (i: number): number => 10 + Math.floor((i - 10) / 100) * 100
    for (const i of [10, 5000, length - 1]) {
      expect(frames[0]?.[i]).toBe(startOfReadHolding(i) % 251)
    }
  })
})
