import { FrameTooLongError } from './errors.ts'
import { FramedProtocol } from './framed-protocol.ts'
import { LineDecoder } from './line-decoder.ts'
import { checkInteger, checkPolicy, type OverflowPolicy } from './options.ts'

/** Options of {@link LineProtocol}. */
export interface LineProtocolOptions {
  /** The line delimiter: any non-empty byte sequence or string (UTF-8). Default `'\r\n'`. */
  delimiter?: Uint8Array | string
  /** The longest line accepted, delimiter excluded. Default 16384 (Twisted's `MAX_LENGTH`). */
  maxLength?: number
  /** `'close'` (default): report and abort the transport; `'discard'`: report, skip the line, go on. */
  onTooLong?: OverflowPolicy
}

/**
 * A streaming protocol that splits the bytes it receives into lines (Twisted's `LineReceiver`,
 * Netty's `LineBasedFrameDecoder`). Subclass it and override {@link LineProtocol.lineReceived};
 * `pauseWriting`, `resumeWriting` and `connectionLost` are inherited from `Protocol` and reach the
 * subclass unchanged. If you override `dataReceived` or `eofReceived`, call `super`.
 *
 * Lines are delivered only while the transport reads. Once `lineReceived` closes or aborts the
 * transport, no further line is delivered (not even the rest of the same chunk) and nothing is
 * kept. Once it pauses reading ({@link LineProtocol.pauseReading} or `transport.pauseReading()`),
 * the following lines wait: {@link LineProtocol.resumeReading} delivers them, in order, at once
 * (after a bare `transport.resumeReading()` they come with the next chunk or EOF).
 *
 * A delivered line may be a view into the received chunk (the protocol owns it): keep it or
 * copy it as you like. A chunk holding many lines is split in one loop (no recursion), with one
 * `indexOf` per line; a line spread over several chunks is copied once, when complete. No byte
 * of a line longer than `maxLength` is ever delivered, however it is split.
 *
 * @example
 * ```ts
 * class Upper extends LineProtocol {
 *   override lineReceived(line: Uint8Array): void {
 *     this.sendLine(new TextEncoder().encode(new TextDecoder().decode(line).toUpperCase()))
 *   }
 * }
 * ```
 */
export class LineProtocol extends FramedProtocol {
  /** The delimiter in use. */
  readonly delimiter: Uint8Array
  /** The longest line accepted, delimiter excluded. */
  readonly maxLength: number
  /** What happens to a longer line. */
  readonly onTooLong: OverflowPolicy

  /** @param options - See {@link LineProtocolOptions}; each is checked (TypeError/RangeError). */
  constructor(options: LineProtocolOptions = {}) {
    super()
    const delimiter = options.delimiter ?? '\r\n'
    if (typeof delimiter === 'string') {
      this.delimiter = new TextEncoder().encode(delimiter)
    } else if (delimiter instanceof Uint8Array) {
      this.delimiter = delimiter.slice()
    } else {
      throw new TypeError(`delimiter must be a Uint8Array or a string, got ${String(delimiter)}`)
    }
    if (this.delimiter.length === 0) {
      throw new RangeError('delimiter must not be empty, got an empty one')
    }
    this.maxLength = checkInteger('maxLength', options.maxLength ?? 16 * 1024, 0, 2 ** 31 - 1)
    this.onTooLong = checkPolicy(options.onTooLong ?? 'close')
    const decoder = new LineDecoder(this.delimiter, this.maxLength, {
      line: (line) => {
        this.lineReceived(line)
      },
      tooLong: (length) => {
        this.#tooLong(length)
      },
      rest: (rest) => {
        this.partialLineAtEof(rest)
      },
    })
    this.decodeWith(decoder)
  }

  /** Called with each complete line, delimiter excluded. Override it. */
  lineReceived(_line: Uint8Array): void {
    // Lines are dropped unless a subclass takes them.
  }

  /**
   * Called when a line is longer than {@link LineProtocol.maxLength}. With `'close'` the
   * transport is aborted right after; with `'discard'` the line is skipped.
   */
  lineTooLong(_error: FrameTooLongError): void {
    // Nothing to report by default.
  }

  /**
   * Called at EOF, after every line before it, with the bytes of an unterminated last line
   * (never empty, at most `maxLength` bytes: a longer one goes to `lineTooLong`).
   */
  partialLineAtEof(_rest: Uint8Array): void {
    // Nothing to report by default.
  }

  /** Writes `line` followed by the delimiter, in one `writeLines` call. */
  sendLine(line: Uint8Array): void {
    this.transport?.writeLines([line, this.delimiter])
  }

  #tooLong(length: number): void {
    this.lineTooLong(new FrameTooLongError(length, this.maxLength))
    if (this.onTooLong === 'close') {
      this.stopDecoding()
      this.transport?.abort()
    }
  }
}
