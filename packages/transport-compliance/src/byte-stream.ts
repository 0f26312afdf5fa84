import { expect } from 'vitest'

/**
 * A deterministic byte stream (byte i is `i * 7 + (i >> 8)` modulo 251), so that a receiver can
 * check order and content of everything sent without keeping a copy.
 */
export class ByteStream {
  /** How many bytes {@link ByteStream.next} has produced. */
  produced = 0

  /** The next `size` bytes of the stream, in a fresh array. */
  next(size: number): Uint8Array {
    const out = expectedBytes(this.produced, size)
    this.produced += size
    return out
  }
}

/** Bytes `start` to `start + size` of the stream {@link ByteStream} produces. */
export function expectedBytes(start: number, size: number): Uint8Array {
  const out = new Uint8Array(size)
  for (let i = 0; i < size; i += 1) {
    const n = start + i
    out[i] = (n * 7 + (n >> 8)) % 251
  }
  return out
}

/**
 * Asserts that `actual` holds exactly the stream's bytes from `start` on, as many as it holds
 * (`expectedSize` pins the length too). Compares with `Buffer.compare`: a deep `toEqual` of a
 * few MiB takes vitest seconds. A mismatch names the first differing offset.
 */
export function expectStreamBytes(actual: Uint8Array, start: number, expectedSize?: number): void {
  const expected = expectedBytes(start, expectedSize ?? actual.byteLength)
  if (Buffer.compare(actual, expected) === 0) {
    return
  }
  let offset = 0
  while (offset < actual.byteLength && actual[offset] === expected[offset]) {
    offset += 1
  }
  expect.fail(
    `received ${actual.byteLength} bytes, expected ${expected.byteLength}; ` +
      `first difference at offset ${offset} (stream byte ${start + offset})`,
  )
}
