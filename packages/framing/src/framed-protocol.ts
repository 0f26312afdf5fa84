import { Protocol } from '@wirekit/protocol-core'
import { FrameFeeder, type FrameDecoder } from './frame-feeder.ts'

/**
 * What every framing protocol does with what it receives, written once: received chunks go to its
 * decoder, frames are delivered only while the transport reads (a frame handler that pauses holds
 * the rest, one that closes ends the delivery), EOF comes after the last frame, and the bytes not
 * made into frames can be taken back (STARTTLS). {@link LineProtocol} and
 * {@link LengthPrefixedProtocol} extend it; each gives its decoder with
 * {@link FramedProtocol.decodeWith} in its constructor.
 */
export abstract class FramedProtocol extends Protocol {
  #feeder!: FrameFeeder

  /** Sets the decoder received bytes go to; the subclass calls this once, in its constructor. */
  protected decodeWith(decoder: FrameDecoder): void {
    this.#feeder = new FrameFeeder(decoder, () => this.transport)
  }

  /** Stops delivering for good and drops what is held (after an overlong frame, say). */
  protected stopDecoding(): void {
    this.#feeder.stop()
  }

  /**
   * Pauses reading on the transport (Twisted's `pauseProducing`): called in a frame handler, the
   * frames after this one wait too.
   */
  pauseReading(): void {
    this.#feeder.pause()
  }

  /**
   * Resumes reading on the transport, then delivers the frames that were waiting, in order, before
   * any new data (Twisted's `resumeProducing`).
   */
  resumeReading(): void {
    this.#feeder.resume()
  }

  /**
   * Takes every byte received and not made into frames (or lines) yet, as Twisted's
   * `clearLineBuffer` does: the rest of the current chunk when called from a handler, bytes held
   * while paused, an incomplete last frame. None of them is delivered; the next data starts
   * afresh. For STARTTLS, they are the start of the peer's handshake: pass them to `startTls` as
   * `readAhead`.
   * @example
   * ```ts
   * const secure = await startTls(transport, { ...tlsOptions, readAhead: this.clearBuffer() })
   * ```
   */
  clearBuffer(): Uint8Array {
    return this.#feeder.takeBuffer()
  }

  /** Splits `data` into frames. Call `super.dataReceived(data)` if you override it. */
  override dataReceived(data: Uint8Array): void {
    this.#feeder.receive(data)
  }

  /**
   * Delivers the frames still waiting and reports an incomplete last one, then returns `false`.
   * While reading is paused it returns `true` instead and closes the transport itself once they
   * are delivered. Call `super` if you override it.
   */
  override eofReceived(): boolean {
    return this.#feeder.eof()
  }
}
