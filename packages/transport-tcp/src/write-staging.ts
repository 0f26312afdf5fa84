/**
 * Where `write()` copies the caller's bytes before handing them to the socket.
 *
 * The copy is what the contract requires (changing the caller's array after `write()` must not
 * change what is sent, and Node keeps a reference to a chunk it cannot send at once). Copying
 * into a fresh allocation per write costs an allocation and, for large chunks, page faults on
 * memory V8 frees late; so the bytes are copied into buffers of {@link STAGING_SIZE} bytes that
 * are reused:
 *
 * - the current buffer is shared by every transport of the process (JavaScript runs one write at a
 *   time): when the socket took the bytes at once, it is free again for the next write;
 * - when a write stays pending, its transport borrows the buffer ({@link WriteStaging.settle}),
 *   appends the writes queued behind it to the same buffer while it has room, and gives it back
 *   ({@link WriteStaging.giveBack}) once the socket has completed them; the next write takes an
 *   idle buffer instead.
 */

/** The size of a staging buffer; writes larger than this are copied into a buffer of their own. */
export const STAGING_SIZE: number = 256 * 1024

/** How many idle buffers are kept for reuse (2 MiB); more are left to the garbage collector. */
const MAX_IDLE = 8

/** The process's staging buffers: the current one and the idle ones. */
export class WriteStaging {
  #current: Buffer | undefined
  #used = 0
  readonly #idle: Buffer[] = []

  /**
   * Copies `data` (at most {@link STAGING_SIZE} bytes) into the current buffer and returns the
   * copy. Call {@link WriteStaging.settle} right after handing the copies to the socket.
   */
  copy(data: Uint8Array): Buffer {
    if (this.#current === undefined || this.#used + data.byteLength > STAGING_SIZE) {
      // A corked batch that fills a buffer leaves it to the garbage collector: rare, and safe.
      this.#current = this.#idle.pop() ?? Buffer.allocUnsafeSlow(STAGING_SIZE)
      this.#used = 0
    }
    const copy = this.#current.subarray(this.#used, this.#used + data.byteLength)
    copy.set(data)
    this.#used += data.byteLength
    return copy
  }

  /**
   * Says whether the copies just written are still pending. If they are, the current buffer is
   * lent to the caller, who gives it back once those writes completed; the bytes used at its start
   * are returned with it.
   */
  settle(pending: boolean): { buffer: Buffer; used: number } | undefined {
    const buffer = this.#current
    const used = this.#used
    this.#used = 0
    if (!pending || buffer === undefined) {
      return undefined
    }
    this.#current = undefined
    return { buffer, used }
  }

  /** Takes back a lent buffer that no pending write references any more. */
  giveBack(buffer: Buffer): void {
    if (this.#idle.length < MAX_IDLE) {
      this.#idle.push(buffer)
    }
  }
}

/** The staging buffers every TCP transport of the process shares. */
export const writeStaging: WriteStaging = new WriteStaging()
