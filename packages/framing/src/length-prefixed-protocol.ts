import { Protocol } from '@wirekit/protocol-core'
import { FrameTooLongError } from './errors.ts'
import { checkInteger } from './options.ts'

/** Options of {@link LengthPrefixedProtocol}. */
export interface LengthPrefixedProtocolOptions {
  /** Bytes in the length prefix: 1, 2 or 4. Default 4 (Twisted's `Int32StringReceiver`). */
  prefixLength?: 1 | 2 | 4
  /** Byte order of the prefix. Default `'big'` (network order). */
  endian?: 'big' | 'little'
  /** The longest frame accepted or sent, prefix excluded. Default 1 MiB, capped at what the prefix can hold. */
  maxLength?: number
}

/**
 * A streaming protocol that splits its input into frames, each preceded by its length
 * (Twisted's `Int8/16/32StringReceiver`, Netty's `LengthFieldBasedFrameDecoder` and
 * `LengthFieldPrepender`). Subclass it and override {@link LengthPrefixedProtocol.frameReceived}.
 * A frame announced longer than `maxLength` is refused as soon as its prefix is read, before any
 * of its body is buffered: {@link LengthPrefixedProtocol.frameTooLong} is called and the
 * transport aborted. If you override `dataReceived` or `eofReceived`, call `super`.
 *
 * A frame that lies whole in one received chunk is delivered as a view into it (the protocol
 * owns the chunk); a frame spread over chunks is copied once into a buffer of its exact size.
 *
 * @example
 * ```ts
 * class Echo extends LengthPrefixedProtocol {
 *   override frameReceived(frame: Uint8Array): void {
 *     this.sendFrame(frame)
 *   }
 * }
 * ```
 */
export class LengthPrefixedProtocol extends Protocol {
  /** Bytes in the length prefix. */
  readonly prefixLength: 1 | 2 | 4
  /** Byte order of the prefix. */
  readonly endian: 'big' | 'little'
  /** The longest frame accepted or sent. */
  readonly maxLength: number
  readonly #header: Uint8Array
  #headerFill = 0
  #body: Uint8Array | undefined
  #bodyFill = 0
  #stopped = false

  /** @param options - See {@link LengthPrefixedProtocolOptions}; each is checked (TypeError/RangeError). */
  constructor(options: LengthPrefixedProtocolOptions = {}) {
    super()
    const prefixLength: unknown = options.prefixLength ?? 4
    if (prefixLength !== 1 && prefixLength !== 2 && prefixLength !== 4) {
      throw new RangeError(`prefixLength must be 1, 2 or 4, got ${String(prefixLength)}`)
    }
    const endian: unknown = options.endian ?? 'big'
    if (endian !== 'big' && endian !== 'little') {
      throw new TypeError(`endian must be 'big' or 'little', got ${String(endian)}`)
    }
    this.prefixLength = prefixLength
    this.endian = endian
    const largest = 2 ** (8 * prefixLength) - 1
    this.maxLength = checkInteger(
      'maxLength',
      options.maxLength ?? Math.min(largest, 1024 * 1024),
      0,
      largest,
    )
    this.#header = new Uint8Array(prefixLength)
  }

  /** Called with each complete frame, prefix excluded. Override it. */
  frameReceived(_frame: Uint8Array): void {
    // Frames are dropped unless a subclass takes them.
  }

  /** Called when a prefix announces more than `maxLength`; the transport is aborted right after. */
  frameTooLong(_error: FrameTooLongError): void {
    // Nothing to report by default.
  }

  /** Called at EOF with the bytes of an incomplete last frame, prefix included (never empty). */
  partialFrameAtEof(_rest: Uint8Array): void {
    // Nothing to report by default.
  }

  /**
   * Writes the length prefix and `frame` in one `writeLines` call.
   * @throws RangeError when `frame` is longer than `maxLength` (never more than the prefix holds).
   */
  sendFrame(frame: Uint8Array): void {
    if (frame.length > this.maxLength) {
      throw new RangeError(
        `frame of ${String(frame.length)} bytes exceeds maxLength ${String(this.maxLength)}`,
      )
    }
    const header = new Uint8Array(this.prefixLength)
    let n = frame.length
    for (let i = 0; i < this.prefixLength; i++) {
      header[this.endian === 'big' ? this.prefixLength - 1 - i : i] = n & 0xff
      n = Math.floor(n / 256)
    }
    this.transport?.writeLines([header, frame])
  }

  /** Splits `data` into frames. Call `super.dataReceived(data)` if you override it. */
  override dataReceived(data: Uint8Array): void {
    let offset = 0
    while (offset < data.length && !this.#stopped) {
      if (this.#body == null) {
        const take = Math.min(this.prefixLength - this.#headerFill, data.length - offset)
        this.#header.set(data.subarray(offset, offset + take), this.#headerFill)
        this.#headerFill += take
        offset += take
        if (this.#headerFill < this.prefixLength) return
        const length = this.#readLength()
        if (length > this.maxLength) {
          this.#stopped = true
          this.frameTooLong(new FrameTooLongError(length, this.maxLength))
          this.transport?.abort()
          return
        }
        if (data.length - offset >= length) {
          this.#headerFill = 0
          const frame = data.subarray(offset, offset + length)
          offset += length
          this.frameReceived(frame)
          continue
        }
        this.#body = new Uint8Array(length)
        this.#bodyFill = 0
      }
      const take = Math.min(this.#body.length - this.#bodyFill, data.length - offset)
      this.#body.set(data.subarray(offset, offset + take), this.#bodyFill)
      this.#bodyFill += take
      offset += take
      if (this.#bodyFill === this.#body.length) {
        const frame = this.#body
        this.#body = undefined
        this.#headerFill = 0
        this.frameReceived(frame)
      }
    }
  }

  /** Reports an incomplete last frame, then returns `false`. Call `super` if you override it. */
  override eofReceived(): boolean {
    if (this.#headerFill > 0 && !this.#stopped) {
      const rest = new Uint8Array(this.#headerFill + this.#bodyFill)
      rest.set(this.#header.subarray(0, this.#headerFill))
      if (this.#body != null) rest.set(this.#body.subarray(0, this.#bodyFill), this.#headerFill)
      this.#headerFill = 0
      this.#body = undefined
      this.partialFrameAtEof(rest)
    }
    return false
  }

  #readLength(): number {
    let n = 0
    for (let i = 0; i < this.prefixLength; i++) {
      const byte = this.#header[this.endian === 'big' ? i : this.prefixLength - 1 - i] ?? 0
      n = n * 256 + byte
    }
    return n
  }
}
