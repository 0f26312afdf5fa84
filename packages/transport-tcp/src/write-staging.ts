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
 * one staged write at a time (see socket-writer.ts). And since many slow peers could still hold a
 * chunk each for a few bytes, at most {@link MAX_PINNED} full chunks may be held at once: past
 * that, writers make copies of their own ({@link WriteStaging.canCopy}) until some come back.
 */

/** The size of a staging chunk; writes larger than this are copied into a buffer of their own. */
export const STAGING_SIZE: number = 256 * 1024

/** How many idle chunks are kept for reuse (2 MiB); more are left to the garbage collector. */
const MAX_IDLE = 8

/** How many full chunks pending copies may hold at once (4 MiB), besides the current one. */
export const MAX_PINNED = 16

/** One staging chunk: its memory, how much of it the current round used, and how many copies in it are held. */
export interface StagingChunk {
  readonly buffer: Buffer
  used: number
  held: number
  /** A destroyed socket held a copy in it: its memory is never reused (see {@link WriteStaging.abandon}). */
  abandoned: boolean
}

/** The process's staging chunks: the current one and the idle ones. */
export class WriteStaging {
  #current: StagingChunk | undefined
  readonly #idle: Buffer[] = []
  /** Full chunks (not the current one) that pending copies still hold. */
  #pinned = 0

  /**
   * Whether `length` bytes may be staged now: at most {@link STAGING_SIZE}, and they fit the
   * current chunk or fewer than {@link MAX_PINNED} full chunks are held.
   */
  canCopy(length: number): boolean {
    const chunk = this.#current
    return (
      length <= STAGING_SIZE &&
      (chunk === undefined || chunk.used + length <= STAGING_SIZE || this.#pinned < MAX_PINNED)
    )
  }

  /**
   * Copies `data` into the current chunk and returns the copy, held until
   * {@link WriteStaging.release} is called with {@link WriteStaging.lastChunk}. Call it only when
   * {@link WriteStaging.canCopy} allows.
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
      if (chunk.abandoned) {
        this.#current = undefined
      } else {
        chunk.used = 0
      }
      return
    }
    this.#pinned -= 1
    if (!chunk.abandoned) {
      this.#keepIdle(chunk.buffer)
    }
  }

  /**
   * Releases one copy in `chunk` whose socket was destroyed before its writes completed: they may
   * complete in any order, so the chunk's memory is left to the garbage collector once its last
   * copy is released, never reused.
   */
  abandon(chunk: StagingChunk): void {
    chunk.abandoned = true
    this.release(chunk)
  }

  /**
   * A fresh current chunk in place of the full one, which copies still hold (a chunk nothing holds
   * starts again from its first byte, so it is never full): it goes idle once they are released.
   */
  #replaceCurrent(): StagingChunk {
    if (this.#current !== undefined) {
      this.#pinned += 1
    }
    const chunk = {
      buffer: this.#idle.pop() ?? Buffer.allocUnsafeSlow(STAGING_SIZE),
      used: 0,
      held: 0,
      abandoned: false,
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
