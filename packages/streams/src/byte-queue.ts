/** Past this many consumed chunk slots the array is compacted (amortised O(1) per chunk). */
const COMPACT_AFTER = 1024

/**
 * The reader's buffer: received chunks kept as they came, so appending never copies. Bytes are
 * copied once, when a read takes a range spanning several chunks.
 */
export class ByteQueue {
  readonly #chunks: Uint8Array[] = []
  /** Index in `#chunks` of the first chunk still holding bytes. */
  #head = 0
  /** Bytes already taken from the head chunk. */
  #offset = 0
  #size = 0

  /** The number of bytes buffered. */
  get size(): number {
    return this.#size
  }

  /** Appends a chunk (kept, not copied). */
  push(chunk: Uint8Array): void {
    if (chunk.length > 0) {
      this.#chunks.push(chunk)
      this.#size += chunk.length
    }
  }

  /** Puts a chunk back in front of the buffered bytes (kept, not copied), as `take` had it. */
  unshift(chunk: Uint8Array): void {
    if (chunk.length === 0) {
      return
    }
    const head = this.#chunks[this.#head]
    if (head !== undefined && this.#offset > 0) {
      this.#chunks[this.#head] = head.subarray(this.#offset)
      this.#offset = 0
    }
    if (this.#head > 0) {
      this.#head -= 1
      this.#chunks[this.#head] = chunk
    } else {
      this.#chunks.unshift(chunk)
    }
    this.#size += chunk.length
  }

  /** Removes and returns the first `n` bytes (`n` ≤ `size`); a view when they lie in one chunk. */
  take(n: number): Uint8Array {
    if (n <= 0) {
      return new Uint8Array(0)
    }
    const first = this.#chunks[this.#head]
    if (first !== undefined && first.length - this.#offset >= n) {
      const view = first.subarray(this.#offset, this.#offset + n)
      this.#skip(n)
      return view
    }
    const out = new Uint8Array(n)
    let filled = 0
    while (filled < n) {
      const chunk = this.#chunks[this.#head]
      if (chunk === undefined) {
        throw new RangeError(`cannot take ${n} bytes from a queue of ${filled + this.#size}`)
      }
      const count = Math.min(chunk.length - this.#offset, n - filled)
      out.set(chunk.subarray(this.#offset, this.#offset + count), filled)
      filled += count
      this.#skip(count)
    }
    return out
  }

  /** Removes and returns every buffered byte. */
  takeAll(): Uint8Array {
    return this.take(this.#size)
  }

  /** Drops every buffered byte. */
  clear(): void {
    this.#chunks.length = 0
    this.#head = 0
    this.#offset = 0
    this.#size = 0
  }

  /**
   * Finds `separator` in the buffered bytes, starting at byte position `from`.
   *
   * The chunk holding `from` is found walking back from the last chunk, so a caller that searches
   * again from where its last search stopped (about `size - separator.length`) pays for the new
   * bytes only, not for the whole buffer again.
   * @returns The position of the first match at or after `from`, or -1.
   */
  indexOf(separator: Uint8Array, from: number): number {
    const sepLength = separator.length
    const first = separator[0]
    if (first === undefined || from < 0 || this.#size - from < sepLength) {
      return -1
    }
    // Locate the chunk holding position `from`, from the end.
    let index = this.#chunks.length - 1
    let chunkStart = this.#size // queue position just past the chunk at `index`
    for (;;) {
      const chunk = this.#chunks[index]
      if (chunk === undefined) {
        return -1
      }
      const available = index === this.#head ? chunk.length - this.#offset : chunk.length
      chunkStart -= available
      if (chunkStart <= from || index === this.#head) {
        break
      }
      index -= 1
    }
    let position = from
    while (index < this.#chunks.length) {
      const chunk = this.#chunks[index]
      if (chunk === undefined) {
        return -1
      }
      const base = index === this.#head ? this.#offset : 0
      // Position `p` in the queue is `chunk[p - chunkStart + base]` while in this chunk.
      let local = position - chunkStart + base
      for (;;) {
        local = chunk.indexOf(first, local)
        if (local === -1) {
          break
        }
        const candidate = chunkStart + local - base
        if (this.#size - candidate < sepLength) {
          return -1
        }
        if (this.#matchesAt(separator, index, local)) {
          return candidate
        }
        local += 1
      }
      chunkStart += chunk.length - base
      position = chunkStart
      index += 1
    }
    return -1
  }

  /** `true` when the separator's bytes follow, across chunks, from `chunk[index][local]`. */
  #matchesAt(separator: Uint8Array, index: number, local: number): boolean {
    let chunk = this.#chunks[index]
    let at = local
    for (const byte of separator) {
      while (chunk !== undefined && at >= chunk.length) {
        index += 1
        chunk = this.#chunks[index]
        at = 0
      }
      if (chunk?.[at] !== byte) {
        return false
      }
      at += 1
    }
    return true
  }

  /** Consumes `n` bytes (≤ what the head chunk holds) from the head. */
  #skip(n: number): void {
    this.#offset += n
    this.#size -= n
    const head = this.#chunks[this.#head]
    if (head !== undefined && this.#offset >= head.length) {
      this.#head += 1
      this.#offset = 0
      if (this.#head === this.#chunks.length) {
        this.#chunks.length = 0
        this.#head = 0
      } else if (this.#head >= COMPACT_AFTER && this.#head * 2 >= this.#chunks.length) {
        this.#chunks.splice(0, this.#head)
        this.#head = 0
      }
    }
  }
}
