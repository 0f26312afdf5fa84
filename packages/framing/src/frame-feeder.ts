import type { Transport } from '@wirekit/protocol-core'

/**
 * Turns bytes into frames and hands each one on itself (to the protocol's callbacks). Its state
 * is consistent before each frame it hands on, since the callback may pause, close or clear it.
 */
export interface FrameDecoder {
  /**
   * Decodes the frames in `data`, asking `more()` after each frame or overflow it reports and
   * returning as soon as it answers `false`.
   * @returns How many bytes of `data` it used; the rest is passed again later.
   */
  decode(data: Uint8Array, more: () => boolean): number
  /** At EOF: reports the bytes of an incomplete last frame, if any, and forgets them. */
  finish(): void
  /** Forgets every byte it holds. */
  clear(): void
  /**
   * While a frame is being handed on from `decode(data)`: how many bytes of `data` are used up,
   * that frame included.
   */
  readonly consumed: number
  /** Takes the bytes of the incomplete frame it holds (none while a frame is being handed on). */
  takePending(): Uint8Array[]
}

function concatAll(chunks: readonly Uint8Array[]): Uint8Array {
  const total = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0)
  const out = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.byteLength
  }
  return out
}

/**
 * Feeds a protocol's received chunks to its decoder, one frame at a time, while its transport
 * reads. A frame handler that pauses reading holds the rest (the chunk's unread bytes, later
 * chunks, EOF) until {@link FrameFeeder.resume}; one that closes or aborts the transport ends the
 * feeding for good and drops what is held. Written once for every framing protocol.
 */
export class FrameFeeder {
  readonly #decoder: FrameDecoder
  readonly #transport: () => Transport | undefined
  /** Received bytes not decoded yet, oldest first; more than one chunk only while paused. */
  #held: Uint8Array[] = []
  #running = false
  #stopped = false
  /** {@link FrameFeeder.takeBuffer} was called while decoding: the current chunk is taken. */
  #taken = false
  /** EOF has arrived and the decoder's rest is not reported yet. */
  #eofHeld = false
  /** `eof()` kept the transport open for held frames: close it once they are delivered. */
  #closeWhenDelivered = false

  /**
   * @param decoder - The decoder to feed.
   * @param transport - Reads the protocol's current transport (`undefined` before
   *   `connectionMade`).
   */
  constructor(decoder: FrameDecoder, transport: () => Transport | undefined) {
    this.#decoder = decoder
    this.#transport = transport
  }

  /**
   * `true` while frames may be handed on: not stopped, and the transport (if any) is reading. A
   * closing transport drops what is held.
   */
  readonly canDeliver = (): boolean => {
    if (this.#stopped || this.#taken) {
      return false
    }
    const transport = this.#transport()
    if (transport == null || transport.isReading()) {
      return true
    }
    if (transport.isClosing()) {
      // Nothing held is delivered once the transport closes. Not for good, though: after an
      // upgrade (STARTTLS) the protocol carries on with a new transport.
      this.#drop()
    }
    return false
  }

  /** Ends the feeding for good and drops every byte held, here and in the decoder. */
  stop(): void {
    this.#stopped = true
    this.#drop()
  }

  #drop(): void {
    this.#held = []
    this.#eofHeld = false
    this.#decoder.clear()
  }

  /** Takes a received chunk (which the protocol owns) and decodes what it can now. */
  receive(data: Uint8Array): void {
    if (this.#stopped) {
      return
    }
    this.#held.push(data)
    this.#run()
  }

  /**
   * Takes every byte received and not handed on yet: the incomplete frame, the rest of the chunk
   * being decoded (when called from a frame handler) and the chunks held while paused. No frame is
   * made of them; the next chunk starts afresh. EOF, if it came, still counts.
   */
  takeBuffer(): Uint8Array {
    const parts = this.#decoder.takePending()
    if (this.#running) {
      const current = this.#held[0]
      if (current != null) {
        parts.push(current.subarray(this.#decoder.consumed))
      }
      parts.push(...this.#held.slice(1))
      this.#taken = true
    } else {
      parts.push(...this.#held)
    }
    this.#held = []
    return concatAll(parts)
  }

  /** Pauses reading on the transport. */
  pause(): void {
    this.#transport()?.pauseReading()
  }

  /** Resumes reading on the transport, then delivers what was held, in order, at once. */
  resume(): void {
    this.#transport()?.resumeReading()
    this.#run()
  }

  /**
   * Takes EOF: delivers what is held, then has the decoder report its rest.
   * @returns `false` when all is delivered (the transport may close), `true` when reading was
   *   paused first: the feeder then closes the transport itself once it has delivered the rest.
   */
  eof(): boolean {
    if (this.#stopped) {
      return false
    }
    this.#eofHeld = true
    this.#run()
    // #run clears #eofHeld once it has delivered everything and reported the rest.
    this.#closeWhenDelivered = this.#eofHeld
    return this.#closeWhenDelivered
  }

  #run(): void {
    // A frame handler that resumes reading, or a transport that delivers inside it, lands here:
    // the loop below already goes on with what is held.
    if (this.#running) {
      return
    }
    this.#running = true
    try {
      while (this.canDeliver()) {
        const chunk = this.#held[0]
        if (chunk == null) {
          if (this.#eofHeld) {
            this.#finish()
          }
          return
        }
        const used = this.#decoder.decode(chunk, this.canDeliver)
        if (this.#stopped) {
          return
        }
        if (this.#taken) {
          // A handler took the buffer, this chunk's rest with it: nothing is left to decode.
          this.#taken = false
          return
        }
        if (used < chunk.length) {
          this.#held[0] = chunk.subarray(used)
        } else {
          this.#held.shift()
        }
      }
    } catch (error) {
      // A handler threw: where the stream stands is unknown, and the transport aborts anyway.
      this.stop()
      throw error
    } finally {
      this.#running = false
    }
  }

  #finish(): void {
    this.#eofHeld = false
    this.#decoder.finish()
    if (this.#closeWhenDelivered && !this.#stopped) {
      this.#transport()?.close()
    }
  }
}
