/**
 * Where `write()` copies the caller's bytes before handing them to the socket.
 *
 * The copy is what the contract requires (changing the caller's array after `write()` must not
 * change what is sent, and Node keeps a reference to a chunk it cannot send at once). Copying
 * into a fresh allocation per write costs an allocation and, for large chunks, page faults and
 * garbage-collector work on memory V8 frees late; so the bytes are copied into chunks of
 * {@link STAGING_SIZE} bytes that are reused, shared by every transport of the process
 * (JavaScript runs one write at a time):
 *
 * - each copy takes the next bytes of the current chunk, which counts the copies a socket may
 *   still read ({@link StagingChunk.held});
 * - a copy the socket sent at once is released at once, one that stays pending (a full send
 *   buffer, or TLS, whose writes always complete later) when its write completes;
 * - the current chunk starts again from its first byte whenever nothing holds it; a full chunk
 *   is replaced, and comes back for reuse once the last copy in it is released.
 *
 * A process whose writes complete at once (or soon, as TLS's) keeps reusing the same memory. A
 * copy that stays pending for long keeps its whole chunk from reuse (its memory is a view of the
 * chunk), so the writer stages only writes issued while nothing is queued: a socket holds at most
 * one staged write at a time (see socket-writer.ts).
 */

/** The size of a staging chunk; writes larger than this are copied into a buffer of their own. */
export const STAGING_SIZE: number = 256 * 1024

/** How many idle chunks are kept for reuse (2 MiB); more are left to the garbage collector. */
const MAX_IDLE = 8

/** One staging chunk: its memory, how much of it the current round used, and how many copies in it are held. */
export interface StagingChunk {
  readonly buffer: Buffer
  used: number
  held: number
}

/** The process's staging chunks: the current one and the idle ones. */
export class WriteStaging {
  #current: StagingChunk | undefined
  readonly #idle: Buffer[] = []

  /**
   * Copies `data` (at most {@link STAGING_SIZE} bytes) into the current chunk and returns the
   * copy, held until {@link WriteStaging.release} is called with {@link WriteStaging.lastChunk}.
   */
  copy(data: Uint8Array): Buffer {
    let chunk = this.#current
    // length, not byteLength: the same for a Uint8Array, and cheaper to read on Node 20.
    if (chunk === undefined || chunk.used + data.length > STAGING_SIZE) {
      chunk = this.#replaceCurrent()
    }
    const start = chunk.used
    chunk.used = start + data.length
    chunk.held += 1
    const copy = chunk.buffer.subarray(start, chunk.used)
    copy.set(data)
    return copy
  }

  /** The chunk the last {@link WriteStaging.copy} went into. */
  get lastChunk(): StagingChunk {
    if (this.#current === undefined) {
      throw new Error('WriteStaging.lastChunk before any copy')
    }
    return this.#current
  }

  /** Releases one copy in `chunk`: the socket does not read it any more. */
  release(chunk: StagingChunk): void {
    chunk.held -= 1
    if (chunk.held > 0) {
      return
    }
    if (chunk === this.#current) {
      chunk.used = 0
    } else {
      this.#keepIdle(chunk.buffer)
    }
  }

  /**
   * A fresh current chunk in place of the full one, which copies still hold (a chunk nothing holds
   * starts again from its first byte, so it is never full): it goes idle once they are released.
   */
  #replaceCurrent(): StagingChunk {
    const chunk = {
      buffer: this.#idle.pop() ?? Buffer.allocUnsafeSlow(STAGING_SIZE),
      used: 0,
      held: 0,
    }
    this.#current = chunk
    return chunk
  }

  #keepIdle(buffer: Buffer): void {
    if (this.#idle.length < MAX_IDLE) {
      this.#idle.push(buffer)
    }
  }
}

/** The staging chunks every TCP transport of the process shares. */
export const writeStaging: WriteStaging = new WriteStaging()
