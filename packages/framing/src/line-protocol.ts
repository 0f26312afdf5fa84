import { Buffer } from 'node:buffer'
import { Protocol } from '@wirekit/protocol-core'
import { concat } from './concat.ts'
import { FrameTooLongError } from './errors.ts'
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

const view = (data: Uint8Array): Buffer =>
  Buffer.from(data.buffer, data.byteOffset, data.byteLength)

/**
 * A streaming protocol that splits the bytes it receives into lines (Twisted's `LineReceiver`,
 * Netty's `LineBasedFrameDecoder`). Subclass it and override {@link LineProtocol.lineReceived};
 * `pauseWriting`, `resumeWriting` and `connectionLost` are inherited from `Protocol` and reach the
 * subclass unchanged. If you override `dataReceived` or `eofReceived`, call `super`.
 *
 * A delivered line may be a view into the received chunk (the protocol owns it): keep it or
 * copy it as you like. A chunk holding many lines is split in one loop (no recursion), with one
 * `indexOf` per line; a line spread over several chunks is copied once, when complete.
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
export class LineProtocol extends Protocol {
  /** The delimiter in use. */
  readonly delimiter: Uint8Array
  /** The longest line accepted, delimiter excluded. */
  readonly maxLength: number
  /** What happens to a longer line. */
  readonly onTooLong: OverflowPolicy
  readonly #delimiter: Buffer
  #pending: Uint8Array[] = []
  #pendingLength = 0
  #discarding = false
  #stopped = false

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
    if (this.delimiter.length === 0)
      throw new RangeError('delimiter must not be empty, got an empty one')
    this.#delimiter = view(this.delimiter)
    this.maxLength = checkInteger('maxLength', options.maxLength ?? 16 * 1024, 0, 2 ** 31 - 1)
    this.onTooLong = checkPolicy(options.onTooLong ?? 'close')
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

  /** Called at EOF with the bytes of an unterminated last line (never empty). */
  partialLineAtEof(_rest: Uint8Array): void {
    // Nothing to report by default.
  }

  /** Writes `line` followed by the delimiter, in one `writeLines` call. */
  sendLine(line: Uint8Array): void {
    this.transport?.writeLines([line, this.delimiter])
  }

  /** Splits `data` into lines. Call `super.dataReceived(data)` if you override it. */
  override dataReceived(data: Uint8Array): void {
    if (this.#stopped) return
    let start = 0
    if (this.#pendingLength > 0) {
      const end = this.#findAcross(data)
      if (end < 0) {
        this.#pending.push(data)
        this.#pendingLength += data.length
        this.#checkPending()
        return
      }
      // `end` is where the delimiter ends in `data`; the line is the pending bytes plus data[0, end - d].
      const d = this.delimiter.length
      const lineLength = this.#pendingLength + end - d
      const wasDiscarding = this.#discarding
      this.#discarding = false
      const chunks = this.#pending
      this.#pending = []
      this.#pendingLength = 0
      start = end
      if (!wasDiscarding) {
        if (!this.#deliver(lineLength, () => this.#joinLine(chunks, data, lineLength))) return
      }
    }
    const buffer = view(data)
    const d = this.delimiter.length
    while (start < data.length) {
      const index = buffer.indexOf(this.#delimiter, start)
      if (index < 0) break
      const lineStart = start
      start = index + d
      if (!this.#deliver(index - lineStart, () => data.subarray(lineStart, index))) return
    }
    if (start < data.length) {
      this.#pending.push(data.subarray(start))
      this.#pendingLength = data.length - start
      this.#checkPending()
    }
  }

  /** Reports an unterminated last line, then returns `false`. Call `super` if you override it. */
  override eofReceived(): boolean {
    if (this.#pendingLength > 0 && !this.#discarding && !this.#stopped) {
      const rest = concat(this.#pending, this.#pendingLength)
      this.#pending = []
      this.#pendingLength = 0
      this.partialLineAtEof(rest)
    }
    return false
  }

  #joinLine(chunks: Uint8Array[], data: Uint8Array, lineLength: number): Uint8Array {
    const line = new Uint8Array(lineLength)
    let offset = 0
    for (const chunk of chunks) {
      const n = Math.min(chunk.length, lineLength - offset)
      if (n > 0) line.set(chunk.subarray(0, n), offset)
      offset += n
    }
    if (offset < lineLength) line.set(data.subarray(0, lineLength - offset), offset)
    return line
  }

  /** Returns the end (exclusive) of the first delimiter ending in `data`, searching across the pending bytes. */
  #findAcross(data: Uint8Array): number {
    const d = this.delimiter.length
    if (d > 1) {
      const tailLength = Math.min(d - 1, this.#pendingLength)
      const tail = this.#tail(tailLength)
      const head = data.subarray(0, d - 1)
      const bridge = new Uint8Array(tailLength + head.length)
      bridge.set(tail)
      bridge.set(head, tailLength)
      const index = view(bridge).indexOf(this.#delimiter)
      if (index >= 0) return index + d - tailLength
    }
    const index = view(data).indexOf(this.#delimiter)
    return index < 0 ? -1 : index + d
  }

  /** The last `n` pending bytes, walking back over as few chunks as needed. */
  #tail(n: number): Uint8Array {
    const out = new Uint8Array(n)
    let filled = 0
    for (let i = this.#pending.length - 1; i >= 0 && filled < n; i--) {
      const chunk = this.#pending[i] ?? new Uint8Array(0)
      const take = Math.min(chunk.length, n - filled)
      out.set(chunk.subarray(chunk.length - take), n - filled - take)
      filled += take
    }
    return out
  }

  #checkPending(): void {
    const d = this.delimiter.length
    if (this.#discarding) {
      this.#keepTail()
      return
    }
    if (this.#pendingLength > this.maxLength + d - 1) {
      this.#tooLong(this.#pendingLength - (d - 1))
      if (!this.#stopped) {
        this.#discarding = true
        this.#keepTail()
      }
    }
  }

  /** While discarding, keeps only the bytes that may begin a delimiter. */
  #keepTail(): void {
    const keep = Math.min(this.delimiter.length - 1, this.#pendingLength)
    this.#pending = keep > 0 ? [this.#tail(keep)] : []
    this.#pendingLength = keep
  }

  #deliver(lineLength: number, line: () => Uint8Array): boolean {
    if (lineLength > this.maxLength) {
      this.#tooLong(lineLength)
      return !this.#stopped
    }
    this.lineReceived(line())
    return !this.#stopped
  }

  #tooLong(length: number): void {
    this.lineTooLong(new FrameTooLongError(length, this.maxLength))
    if (this.onTooLong === 'close') {
      this.#stopped = true
      this.#pending = []
      this.#pendingLength = 0
      this.transport?.abort()
    }
  }
}
