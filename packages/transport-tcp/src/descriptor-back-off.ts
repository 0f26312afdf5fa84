import type { DescriptorLimit } from './descriptor-limit.ts'

/**
 * While backing off, descriptors are counted at most this often (a count reads a directory),
 * unless closed connections bring the estimate down to the resume mark.
 */
const MIN_RECOUNT_INTERVAL_MS = 100
/**
 * Far from the limit, the estimate is checked against a real count this often: a count lists
 * every open descriptor, and with thousands of connections that list is garbage enough to show
 * in the memory of idle connections.
 */
const MAX_RECOUNT_INTERVAL_MS = 10_000
/** From this share of the limit on, the estimate is checked every 100 ms. */
const NEAR_LIMIT_SHARE = 0.75

/**
 * Decides, accept by accept, whether a server takes a connection or backs off because the
 * process is about to run out of descriptors (`EMFILE`), or the system out of file-table entries
 * (`ENFILE`), with one report when a back-off starts and one when it ends.
 *
 * The count used is the process's open descriptors, or, when the system has fewer entries left
 * than the process, `limit - systemFree`. Connections are refused from `limit - reserve` on, and
 * taken again once the count is down to `limit - 2 × reserve`, so a server at the edge does not
 * flap. Between counts, each accepted connection adds one to the last count: the estimate only
 * overshoots (closes are not subtracted), and a real count corrects it every 10 s, every 100 ms
 * past three quarters of the limit, and always before a back-off begins.
 */
export class DescriptorBackOff {
  readonly #descriptors: DescriptorLimit
  readonly #report: (message: string) => void
  readonly #high: number
  readonly #low: number
  readonly #near: number
  #estimate = 0
  /** Whether the last count was bound by the system's file table rather than `ulimit -n`. */
  #systemBound = false
  #countedAt = -Infinity
  #backingOff = false
  #refusedInBackOff = 0

  constructor(descriptors: DescriptorLimit, report: (message: string) => void) {
    this.#descriptors = descriptors
    this.#report = report
    const reserve = Math.min(64, Math.max(4, Math.floor(descriptors.limit / 20)))
    this.#high = descriptors.limit - reserve
    this.#low = descriptors.limit - 2 * reserve
    this.#near = Math.min(this.#low, Math.floor(descriptors.limit * NEAR_LIMIT_SHARE))
  }

  /** `true` while connections are refused. */
  get backingOff(): boolean {
    return this.#backingOff
  }

  /**
   * Called for each accepted connection (its descriptor is open already).
   * @returns `false` when the connection must be refused.
   */
  admit(): boolean {
    const now = performance.now()
    if (this.#backingOff) {
      if (this.#mayResume(now)) {
        this.#resume()
        return true
      }
      this.#refusedInBackOff += 1
      return false
    }
    this.#estimate += 1
    const sinceCount = now - this.#countedAt
    if (
      this.#estimate >= this.#high ||
      sinceCount >= MAX_RECOUNT_INTERVAL_MS ||
      (this.#estimate >= this.#near && sinceCount >= MIN_RECOUNT_INTERVAL_MS)
    ) {
      this.#recount(now)
    }
    if (this.#estimate < this.#high) {
      return true
    }
    this.#backingOff = true
    this.#refusedInBackOff = 1
    this.#report(
      `${this.#describeCount()}${this.#systemBound ? '' : ' (ulimit -n)'}: ` +
        'refusing new connections until some close',
    )
    return false
  }

  /** A connection closed: a back-off may end. */
  released(): void {
    if (!this.#backingOff) {
      return
    }
    // Usually one descriptor fewer (not always at once: a lingering close keeps its socket a
    // while), so the estimate only suggests a count; the count decides.
    this.#estimate -= 1
    if (this.#mayResume(performance.now())) {
      this.#resume()
    }
  }

  /** Counts when the estimate says the back-off may be over, or 100 ms after the last count. */
  #mayResume(now: number): boolean {
    if (this.#estimate > this.#low && now - this.#countedAt < MIN_RECOUNT_INTERVAL_MS) {
      return false
    }
    return this.#recount(now) <= this.#low
  }

  #recount(now: number): number {
    const { open, systemFree } = this.#descriptors.count()
    const { limit } = this.#descriptors
    this.#systemBound = limit - systemFree > open
    this.#estimate = this.#systemBound ? limit - systemFree : open
    this.#countedAt = now
    return this.#estimate
  }

  /** What the last count found, for the reports. */
  #describeCount(): string {
    const { limit } = this.#descriptors
    return this.#systemBound
      ? `the system's file table has ${limit - this.#estimate} entries left (ENFILE ahead)`
      : `${this.#estimate} of ${limit} file descriptors open`
  }

  #resume(): void {
    this.#backingOff = false
    this.#report(
      `${this.#describeCount()}: accepting connections again ` +
        `(${this.#refusedInBackOff} refused meanwhile)`,
    )
  }
}
