/** The write-buffer water marks of a transport, in bytes. */
export interface WriteBufferLimits {
  /** Above this size (strictly), the protocol is asked to pause writing. */
  readonly high: number
  /** At or below this size, after a pause, the protocol is asked to resume writing. */
  readonly low: number
}

/** The default high-water mark: 64 KiB, as in asyncio. The default low one is a quarter of it. */
export const DEFAULT_HIGH_WATER_MARK: number = 64 * 1024

function checkLimit(name: string, value: number | undefined): void {
  if (value === undefined) {
    return
  }
  if (typeof value !== 'number') {
    throw new TypeError(`write buffer limit ${name} must be a number, got ${typeof value}`)
  }
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`write buffer limit ${name} must be an integer >= 0, got ${String(value)}`)
  }
}

/**
 * Completes and checks water marks as asyncio does: high defaults to 64 KiB, or to 4 × low when
 * only low is given; low defaults to high / 4.
 * @throws TypeError when a limit is not a number.
 * @throws RangeError unless both are integers and high ≥ low ≥ 0.
 * @example
 * ```ts
 * resolveWriteBufferLimits({ low: 1000 }) // { high: 4000, low: 1000 }
 * ```
 */
export function resolveWriteBufferLimits(
  limits: Partial<WriteBufferLimits> = {},
): WriteBufferLimits {
  const { high: givenHigh, low: givenLow } = limits
  checkLimit('high', givenHigh)
  checkLimit('low', givenLow)
  const high = givenHigh ?? (givenLow === undefined ? DEFAULT_HIGH_WATER_MARK : 4 * givenLow)
  const low = givenLow ?? Math.floor(high / 4)
  if (high < low) {
    throw new RangeError(`write buffer limits need high >= low, got high ${high} and low ${low}`)
  }
  return { high, low }
}

/** The default limits, shared by every transport that keeps them. */
const DEFAULT_LIMITS: WriteBufferLimits = Object.freeze(resolveWriteBufferLimits())

/** What {@link WriteFlowControl} calls when the buffer crosses a water mark. */
export interface FlowControlListener {
  /** The buffer went strictly above the high-water mark. */
  onPauseWriting(): void
  /** The buffer fell to the low-water mark or below, after a pause. */
  onResumeWriting(): void
}

/**
 * The write-side flow control of a transport, shared by every wirekit transport so that all pause
 * and resume at the same boundaries. The transport reports its buffer size after each change;
 * this decides when to pause and resume.
 *
 * @example
 * ```ts
 * const flow = new WriteFlowControl({
 *   onPauseWriting: () => protocol.pauseWriting?.(),
 *   onResumeWriting: () => protocol.resumeWriting?.(),
 * })
 * flow.update(bufferedBytes) // after every write and every flush
 * ```
 */
export class WriteFlowControl {
  #limits: WriteBufferLimits = DEFAULT_LIMITS
  #paused = false
  readonly #listener: FlowControlListener

  /** @param listener - Told when to pause and when to resume. */
  constructor(listener: FlowControlListener) {
    this.#listener = listener
  }

  /** The current water marks. */
  get limits(): WriteBufferLimits {
    return this.#limits
  }

  /** `true` between a pause and the next resume. */
  get paused(): boolean {
    return this.#paused
  }

  /**
   * Sets new water marks (see {@link resolveWriteBufferLimits}) and pauses at once when the
   * buffered size is now above the high one. It never resumes: as in asyncio, the resume comes
   * from the next {@link WriteFlowControl.update} (a write that drains), never from inside the
   * protocol's own call.
   */
  setLimits(limits: Partial<WriteBufferLimits> | undefined, bufferSize: number): void {
    this.#limits = resolveWriteBufferLimits(limits)
    if (!this.#paused && bufferSize > this.#limits.high) {
      this.#paused = true
      this.#listener.onPauseWriting()
    }
  }

  /** Reports the current buffer size; pauses or resumes when it crossed a water mark. */
  update(bufferSize: number): void {
    if (!this.#paused) {
      if (bufferSize > this.#limits.high) {
        this.#paused = true
        this.#listener.onPauseWriting()
      }
    } else if (bufferSize <= this.#limits.low) {
      this.#paused = false
      this.#listener.onResumeWriting()
    }
  }
}
