import { FrameTooLongError } from './errors.ts'
import { FramedProtocol } from './framed-protocol.ts'
import { LengthPrefixedDecoder } from './length-prefixed-decoder.ts'
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
 * Frames are delivered only while the transport reads. Once `frameReceived` closes or aborts the
 * transport, no further frame is delivered (not even the rest of the same chunk) and nothing is
 * kept. Once it pauses reading ({@link LengthPrefixedProtocol.pauseReading} or
 * `transport.pauseReading()`), the following frames wait:
 * {@link LengthPrefixedProtocol.resumeReading} delivers them, in order, at once (after a bare
 * `transport.resumeReading()` they come with the next chunk or EOF).
 *
 * A frame that lies whole in one received chunk is delivered as a view into it (the protocol
 * owns the chunk). A frame spread over chunks is gathered in a buffer that grows with what has
 * arrived (doubling, up to the announced length, which it then is exactly), so a prefix
 * announcing a large frame costs only the bytes sent so far.
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
export class LengthPrefixedProtocol extends FramedProtocol {
  /** Bytes in the length prefix. */
  readonly prefixLength: 1 | 2 | 4
  /** Byte order of the prefix. */
  readonly endian: 'big' | 'little'
  /** The longest frame accepted or sent. */
  readonly maxLength: number

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
    const decoder = new LengthPrefixedDecoder(prefixLength, endian, this.maxLength, {
      frame: (frame) => {
        this.frameReceived(frame)
      },
      tooLong: (length) => {
        this.#tooLong(length)
      },
      rest: (rest) => {
        this.partialFrameAtEof(rest)
      },
    })
    this.decodeWith(decoder)
  }

  /** Called with each complete frame, prefix excluded. Override it. */
  frameReceived(_frame: Uint8Array): void {
    // Frames are dropped unless a subclass takes them.
  }

  /** Called when a prefix announces more than `maxLength`; the transport is aborted right after. */
  frameTooLong(_error: FrameTooLongError): void {
    // Nothing to report by default.
  }

  /**
   * Called at EOF, after every frame before it, with the bytes of an incomplete last frame,
   * prefix included (never empty).
   */
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

  #tooLong(length: number): void {
    this.frameTooLong(new FrameTooLongError(length, this.maxLength))
    this.stopDecoding()
    this.transport?.abort()
  }
}
