/**
 * Checks an echo as it arrives: what comes back must be a byte-exact prefix of what was sent.
 * Only the bytes sent and not yet echoed are kept, by reference (a block written many times
 * costs one reference per write).
 * @example
 * ```ts
 * const matcher = new EchoMatcher()
 * socket.on('data', (chunk) => matcher.received(chunk))
 * socket.write(matcher.sent(message))
 * ```
 */
export class EchoMatcher {
  readonly #pending: Uint8Array[] = []
  #offset = 0
  sentBytes = 0
  receivedBytes = 0
  /** Where the echo first differed from what was sent (a byte offset), if it did. */
  mismatchAt: number | undefined

  /** Notes a chunk about to be written, and returns it. */
  sent(chunk: Uint8Array): Uint8Array {
    this.#pending.push(chunk)
    this.sentBytes += chunk.length
    return chunk
  }

  /** Compares a chunk received with what was sent at that point. */
  received(chunk: Uint8Array): void {
    let at = 0
    while (at < chunk.length) {
      const expected = this.#pending[0]
      if (expected == null) {
        // More came back than was sent.
        this.mismatchAt ??= this.receivedBytes + at
        break
      }
      const length = Math.min(expected.length - this.#offset, chunk.length - at)
      if (this.mismatchAt == null) {
        const got = chunk.subarray(at, at + length)
        const want = expected.subarray(this.#offset, this.#offset + length)
        if (Buffer.compare(got, want) !== 0) {
          this.mismatchAt = this.receivedBytes + at + got.findIndex((byte, i) => byte !== want[i])
        }
      }
      at += length
      this.#offset += length
      if (this.#offset === expected.length) {
        this.#pending.shift()
        this.#offset = 0
      }
    }
    this.receivedBytes += chunk.length
  }

  /** Bytes sent and not echoed yet. */
  get outstanding(): number {
    return this.sentBytes - this.receivedBytes
  }

  /** Whether everything received so far is a byte-exact prefix of what was sent. */
  get prefixExact(): boolean {
    return this.mismatchAt == null && this.receivedBytes <= this.sentBytes
  }
}
