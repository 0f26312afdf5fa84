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

/** Tells whether two byte arrays hold the same bytes (a fast check before a detailed diff). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0
}
