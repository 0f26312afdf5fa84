import { Buffer } from 'node:buffer'
import { concat } from './concat.ts'
import type { FrameDecoder } from './frame-feeder.ts'

/** Where a {@link LineDecoder} hands what it finds. */
export interface LineHandlers {
  /** A complete line of at most `maxLength` bytes, delimiter excluded. */
  line(line: Uint8Array): void
  /** A line longer than `maxLength`: `length` bytes seen so far. Its bytes are skipped. */
  tooLong(length: number): void
  /** The unterminated last line at EOF, never empty, at most `maxLength` bytes. */
  rest(rest: Uint8Array): void
}

const view = (data: Uint8Array): Buffer =>
  Buffer.from(data.buffer, data.byteOffset, data.byteLength)

/**
 * Splits bytes into lines ending with a delimiter of any length. A line spread over chunks is kept
 * as the list of its chunks and copied once, when complete; an overlong one is skipped up to its
 * delimiter keeping only the bytes that may begin that delimiter, so no byte of it is ever handed
 * on, whatever the chunking.
 */
export class LineDecoder implements FrameDecoder {
  readonly #delimiter: Buffer
  readonly #maxLength: number
  readonly #handlers: LineHandlers
  /** The bytes of the current line so far (views into received chunks); no delimiter in them. */
  #pending: Uint8Array[] = []
  #pendingLength = 0
  /** The current line is too long: its bytes are dropped up to its delimiter. */
  #discarding = false
  #consumed = 0

  /**
   * @param delimiter - A non-empty delimiter.
   * @param maxLength - The longest line handed on, delimiter excluded.
   * @param handlers - Where lines, overflows and the rest at EOF go.
   */
  constructor(delimiter: Uint8Array, maxLength: number, handlers: LineHandlers) {
    this.#delimiter = view(delimiter)
    this.#maxLength = maxLength
    this.#handlers = handlers
  }

  decode(data: Uint8Array, more: () => boolean): number {
    const d = this.#delimiter.length
    let start = 0
    if (this.#pendingLength > 0 || this.#discarding) {
      const end = this.#findAcross(data)
      if (end < 0) {
        this.#pending.push(data)
        this.#pendingLength += data.length
        this.#checkPending()
        return data.length
      }
      // `end` is where the delimiter ends in `data`: the line is the pending bytes plus
      // data[0, end - d].
      const lineLength = this.#pendingLength + end - d
      const chunks = this.#pending
      const wasDiscarding = this.#discarding
      this.clear()
      start = end
      if (!wasDiscarding) {
        this.#consumed = start
        this.#emit(lineLength, () => joinLine(chunks, data, lineLength))
        if (!more()) {
          return start
        }
      }
    }
    const buffer = view(data)
    while (start < data.length) {
      const index = buffer.indexOf(this.#delimiter, start)
      if (index < 0) {
        break
      }
      const lineStart = start
      start = index + d
      this.#consumed = start
      this.#emit(index - lineStart, () => data.subarray(lineStart, index))
      if (!more()) {
        return start
      }
    }
    if (start < data.length) {
      this.#pending.push(data.subarray(start))
      this.#pendingLength = data.length - start
      this.#checkPending()
    }
    return data.length
  }

  finish(): void {
    if (this.#discarding || this.#pendingLength === 0) {
      this.clear()
      return
    }
    const length = this.#pendingLength
    const rest = concat(this.#pending, length)
    this.clear()
    if (length > this.#maxLength) {
      this.#handlers.tooLong(length)
    } else {
      this.#handlers.rest(rest)
    }
  }

  get consumed(): number {
    return this.#consumed
  }

  takePending(): Uint8Array[] {
    // The bytes of a line being discarded are dropped, not given back.
    const pending = this.#discarding ? [] : this.#pending
    this.clear()
    return pending
  }

  clear(): void {
    this.#pending = []
    this.#pendingLength = 0
    this.#discarding = false
  }

  #emit(lineLength: number, line: () => Uint8Array): void {
    if (lineLength > this.#maxLength) {
      this.#handlers.tooLong(lineLength)
    } else {
      this.#handlers.line(line())
    }
  }

  /**
   * Returns the end (exclusive) of the first delimiter ending in `data`, searching across the
   * pending bytes; -1 when there is none.
   */
  #findAcross(data: Uint8Array): number {
    const d = this.#delimiter.length
    if (d > 1 && this.#pendingLength > 0) {
      const tailLength = Math.min(d - 1, this.#pendingLength)
      const head = data.subarray(0, d - 1)
      const bridge = new Uint8Array(tailLength + head.length)
      bridge.set(this.#tail(tailLength))
      bridge.set(head, tailLength)
      const index = view(bridge).indexOf(this.#delimiter)
      if (index >= 0) {
        return index + d - tailLength
      }
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

  /** Called after pending bytes were added: starts discarding once the line is surely too long. */
  #checkPending(): void {
    if (this.#discarding) {
      this.#keepTail()
      return
    }
    // Up to d - 1 pending bytes may be the start of the delimiter, not of the line.
    const d = this.#delimiter.length
    if (this.#pendingLength > this.#maxLength + d - 1) {
      const seen = this.#pendingLength - (d - 1)
      this.#discarding = true
      this.#keepTail()
      this.#handlers.tooLong(seen)
    }
  }

  /** While discarding, keeps only the bytes that may begin a delimiter. */
  #keepTail(): void {
    const keep = Math.min(this.#delimiter.length - 1, this.#pendingLength)
    this.#pending = keep > 0 ? [this.#tail(keep)] : []
    this.#pendingLength = keep
  }
}

/** Copies the pending chunks and the head of `data` into one line of `lineLength` bytes. */
function joinLine(chunks: readonly Uint8Array[], data: Uint8Array, lineLength: number): Uint8Array {
  const line = new Uint8Array(lineLength)
  let offset = 0
  for (const chunk of chunks) {
    const n = Math.min(chunk.length, lineLength - offset)
    if (n > 0) {
      line.set(chunk.subarray(0, n), offset)
    }
    offset += n
  }
  if (offset < lineLength) {
    line.set(data.subarray(0, lineLength - offset), offset)
  }
  return line
}
