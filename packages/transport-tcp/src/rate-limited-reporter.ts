/**
 * Passes a message on at most once per interval and counts the ones held back, so that a flood
 * (of refused connections, of accept errors) cannot flood the log too.
 */
export class RateLimitedReporter {
  readonly #intervalMs: number
  readonly #emit: (message: string) => void
  #lastEmit = -Infinity
  #suppressed = 0

  constructor(intervalMs: number, emit: (message: string) => void) {
    this.#intervalMs = intervalMs
    this.#emit = emit
  }

  /** Emits `message` now, or counts it when the last one was emitted less than an interval ago. */
  report(message: string): void {
    const now = performance.now()
    if (now - this.#lastEmit < this.#intervalMs) {
      this.#suppressed += 1
      return
    }
    this.#lastEmit = now
    const held = this.#suppressed
    this.#suppressed = 0
    this.#emit(held === 0 ? message : `${message} (and ${held} more since the last report)`)
  }
}
