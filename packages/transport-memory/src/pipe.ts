/**
 * One direction of a memory connection: the bytes one side wrote and the other has not received
 * yet, oldest first, then maybe the writer's EOF. Its size is the writer's write-buffer size.
 */
export class Pipe {
  readonly #chunks: Uint8Array[] = []
  /** How much of the first chunk was already taken. */
  #offset = 0
  #size = 0
  #eof = false
  #eofDelivered = false
  #cut = false

  /** Bytes queued and not yet taken. */
  get size(): number {
    return this.#size
  }

  /** `true` once the writer sent EOF (it is delivered after the bytes queued before it). */
  get eof(): boolean {
    return this.#eof
  }

  /** `true` once the reader has been given the EOF (or it was discarded). */
  get eofDelivered(): boolean {
    return this.#eofDelivered
  }

  /** `true` when an EOF waits for delivery and nothing is queued before it. */
  get eofDue(): boolean {
    return this.#eof && !this.#eofDelivered && this.#size === 0
  }

  /** Queues an owned chunk (never empty); dropped once the pipe was cut. */
  push(chunk: Uint8Array): void {
    if (this.#cut) {
      return
    }
    this.#chunks.push(chunk)
    this.#size += chunk.length
  }

  /** Takes the next `count` bytes (at most {@link size}), as one chunk the reader owns. */
  take(count: number): Uint8Array {
    const head = this.#chunks[0]
    if (head !== undefined && head.length - this.#offset >= count) {
      const piece = head.subarray(this.#offset, this.#offset + count)
      this.#advance(head, count)
      return piece
    }
    const piece = new Uint8Array(count)
    let filled = 0
    while (filled < count) {
      const chunk = this.#chunks[0]
      if (chunk === undefined) {
        break
      }
      const size = Math.min(chunk.length - this.#offset, count - filled)
      piece.set(chunk.subarray(this.#offset, this.#offset + size), filled)
      filled += size
      this.#advance(chunk, size)
    }
    return piece
  }

  /** The writer sent EOF. */
  end(): void {
    this.#eof = true
  }

  /** The reader was given the EOF, or will never be. */
  markEofDelivered(): void {
    this.#eofDelivered = true
  }

  /** Drops every queued byte (the EOF, if any, stays due). */
  clear(): void {
    this.#chunks.length = 0
    this.#offset = 0
    this.#size = 0
  }

  /** Ends the stream here: queued and later bytes are dropped, and the reader gets EOF next. */
  cut(): void {
    this.clear()
    this.#cut = true
    this.#eof = true
  }

  #advance(head: Uint8Array, count: number): void {
    this.#size -= count
    this.#offset += count
    if (this.#offset === head.length) {
      this.#chunks.shift()
      this.#offset = 0
    }
  }
}
