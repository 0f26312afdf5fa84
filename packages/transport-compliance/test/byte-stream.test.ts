import { describe, expect, it } from 'vitest'
import { ByteStream, expectedBytes, expectStreamBytes } from '../src/index.ts'

describe('ByteStream', () => {
  it('produces one continuous stream whatever the sizes asked for', () => {
    const stream = new ByteStream()
    const parts = [stream.next(1), stream.next(300), stream.next(0), stream.next(5000)]
    const joined = new Uint8Array(5301)
    let offset = 0
    for (const part of parts) {
      joined.set(part, offset)
      offset += part.length
    }
    expect(stream.produced).toBe(5301)
    expect(joined).toEqual(expectedBytes(0, 5301))
    expect(expectedBytes(300, 2)).toEqual(joined.subarray(300, 302))
  })

  it('differs between neighbouring 256-byte blocks, so a shifted or repeated block is caught', () => {
    expect(expectedBytes(0, 256)).not.toEqual(expectedBytes(256, 256))
  })
})

describe('expectStreamBytes', () => {
  it('passes for the exact bytes, and checks the length when one is given', () => {
    expectStreamBytes(expectedBytes(10, 100), 10)
    expectStreamBytes(expectedBytes(0, 100), 0, 100)
    expect(() => {
      expectStreamBytes(expectedBytes(0, 99), 0, 100)
    }).toThrow('received 99 bytes, expected 100; first difference at offset 99')
  })

  it('names the first differing offset', () => {
    const bytes = expectedBytes(1000, 50)
    bytes[20] = (bytes[20] ?? 0) ^ 0xff
    expect(() => {
      expectStreamBytes(bytes, 1000)
    }).toThrow('first difference at offset 20 (stream byte 1020)')
  })
})
