import type { FrameDecoder } from './frame-feeder.ts'

/** Where a {@link LengthPrefixedDecoder} hands what it finds. */
export interface LengthPrefixedHandlers {
  /** A complete frame, prefix excluded. */
  frame(frame: Uint8Array): void
  /** A prefix announced `length` bytes, more than the maximum: the decoder cannot go on. */
  tooLong(length: number): void
  /** The bytes of an incomplete last frame at EOF, prefix included, never empty. */
  rest(rest: Uint8Array): void
}

/** The first buffer of a frame spread over chunks holds at least this much (at most the frame). */
const MIN_BODY_CAPACITY = 1024

/**
 * Splits bytes into frames each preceded by its length. A frame whole in one chunk is handed on
 * as a view into it; a frame spread over chunks is gathered in a buffer that grows with what has
 * arrived (doubling, capped at the announced length), never allocated ahead for the announced
 * length: a peer announcing a large frame costs only what it has sent.
 */
export class LengthPrefixedDecoder implements FrameDecoder {
  readonly #littleEndian: boolean
  readonly #maxLength: number
  readonly #handlers: LengthPrefixedHandlers
  readonly #header: Uint8Array
  #headerFill = 0
  /** The announced length of the frame being gathered (valid once the header is full). */
  #length = 0
  #body: Uint8Array | undefined
  #bodyFill = 0
  #consumed = 0

  /**
   * @param prefixLength - Bytes in the length prefix.
   * @param endian - Byte order of the prefix.
   * @param maxLength - The longest frame accepted.
   * @param handlers - Where frames, overflows and the rest at EOF go.
   */
  constructor(
    prefixLength: number,
    endian: 'big' | 'little',
    maxLength: number,
    handlers: LengthPrefixedHandlers,
  ) {
    this.#header = new Uint8Array(prefixLength)
    this.#littleEndian = endian === 'little'
    this.#maxLength = maxLength
    this.#handlers = handlers
  }

  /** The bytes held for the frame being gathered: its buffer's size, or 0. */
  get heldBytes(): number {
    return this.#body?.length ?? 0
  }

  decode(data: Uint8Array, more: () => boolean): number {
    const prefixLength = this.#header.length
    let offset = 0
    while (offset < data.length) {
      if (this.#headerFill < prefixLength) {
        const take = Math.min(prefixLength - this.#headerFill, data.length - offset)
        this.#header.set(data.subarray(offset, offset + take), this.#headerFill)
        this.#headerFill += take
        offset += take
        if (this.#headerFill < prefixLength) {
          return offset
        }
        const length = this.#readLength()
        if (length > this.#maxLength) {
          this.clear()
          this.#handlers.tooLong(length)
          return offset
        }
        if (data.length - offset >= length) {
          this.#headerFill = 0
          const frame = data.subarray(offset, offset + length)
          offset += length
          this.#consumed = offset
          this.#handlers.frame(frame)
          if (!more()) {
            return offset
          }
          continue
        }
        this.#length = length
        continue
      }
      const take = Math.min(this.#length - this.#bodyFill, data.length - offset)
      this.#append(data.subarray(offset, offset + take))
      offset += take
      if (this.#bodyFill === this.#length) {
        // The buffer never grows past the announced length, so it is now exactly the frame.
        const frame = this.#body ?? new Uint8Array(0)
        this.clear()
        this.#consumed = offset
        this.#handlers.frame(frame)
        if (!more()) {
          return offset
        }
      }
    }
    return offset
  }

  finish(): void {
    if (this.#headerFill === 0) {
      return
    }
    const rest = new Uint8Array(this.#headerFill + this.#bodyFill)
    rest.set(this.#header.subarray(0, this.#headerFill))
    if (this.#body != null) {
      rest.set(this.#body.subarray(0, this.#bodyFill), this.#headerFill)
    }
    this.clear()
    this.#handlers.rest(rest)
  }

  get consumed(): number {
    return this.#consumed
  }

  takePending(): Uint8Array[] {
    const pending: Uint8Array[] = [this.#header.slice(0, this.#headerFill)]
    if (this.#body != null) {
      pending.push(this.#body.subarray(0, this.#bodyFill))
    }
    this.clear()
    return pending
  }

  clear(): void {
    this.#headerFill = 0
    this.#length = 0
    this.#body = undefined
    this.#bodyFill = 0
  }

  /** Adds body bytes, growing the buffer geometrically so that a frame costs O(length) copying. */
  #append(bytes: Uint8Array): void {
    const needed = this.#bodyFill + bytes.length
    if (this.#body == null || needed > this.#body.length) {
      const doubled = 2 * (this.#body?.length ?? 0)
      const grown = new Uint8Array(
        Math.min(this.#length, Math.max(needed, doubled, MIN_BODY_CAPACITY)),
      )
      if (this.#body != null) {
        grown.set(this.#body.subarray(0, this.#bodyFill))
      }
      this.#body = grown
    }
    this.#body.set(bytes, this.#bodyFill)
    this.#bodyFill = needed
  }

  #readLength(): number {
    const prefixLength = this.#header.length
    let n = 0
    for (let i = 0; i < prefixLength; i++) {
      const byte = this.#header[this.#littleEndian ? prefixLength - 1 - i : i] ?? 0
      n = n * 256 + byte
    }
    return n
  }
}
