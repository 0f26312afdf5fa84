import { checkDuration, checkSignal } from './validate-options.ts'

/** Options of `server.drain()`. */
export interface DrainOptions {
  /**
   * Milliseconds the connections have to end by themselves (their protocols are told with
   * `drainRequested`); then they are closed (flushed, then ended).
   * @default 30000
   */
  deadline?: number
  /**
   * Milliseconds the close at the deadline may take before the connections still there are aborted.
   * @default 5000
   */
  closeTimeout?: number
  /** Cuts the wait short: every connection still there is aborted at once. */
  signal?: AbortSignal
}

/** How a drain went: every connection there was, or that came, counted once. */
export interface DrainResult {
  /** Connections that ended by themselves before the deadline. */
  readonly ended: number
  /** Connections closed at the deadline, that ended within `closeTimeout`. */
  readonly closed: number
  /** Connections aborted: still there after `closeTimeout`, or when the signal fired. */
  readonly aborted: number
}

/** What a drain needs from its server. */
export interface DrainTarget {
  /** Connections open or in set-up now. */
  remaining(): number
  /** Closes (flushes) every open connection; cuts those in set-up. */
  closeClients(): void
  /** Aborts every open connection; cuts those in set-up. */
  abortClients(): void
}

type Phase = 'waiting' | 'closing' | 'aborting'

/**
 * One drain of a server: wait for the connections until the deadline, close them, abort the rest,
 * and count how each one ended. The server tells it of every connection that ends.
 */
export class ServerDrain {
  readonly result: Promise<DrainResult>
  readonly #target: DrainTarget
  readonly #closeTimeout: number
  readonly #signal: AbortSignal | undefined
  #phase: Phase = 'waiting'
  #timer: NodeJS.Timeout | undefined
  readonly #counts = { ended: 0, closed: 0, aborted: 0 }
  #resolve: (result: DrainResult) => void = () => undefined

  /**
   * @param target - The server, already closed to new connections.
   * @param options - Checked here: a TypeError or RangeError names the bad one.
   */
  constructor(target: DrainTarget, options: DrainOptions) {
    const deadline = checkDuration('deadline', options.deadline) ?? 30_000
    this.#closeTimeout = checkDuration('closeTimeout', options.closeTimeout) ?? 5_000
    this.#signal = checkSignal('signal', options.signal)
    this.#target = target
    this.result = new Promise((resolve) => {
      this.#resolve = resolve
    })
    this.#signal?.addEventListener('abort', this.#onAbort, { once: true })
    if (this.#signal?.aborted === true) {
      this.#abortAll()
    } else {
      this.#timer = setTimeout(() => {
        this.#closeAll()
      }, deadline)
    }
    this.#settleIfDone()
  }

  /** A connection ended (or a set-up failed: `counted` false); counts it by the phase it ended in. */
  connectionEnded(counted: boolean): void {
    if (counted) {
      const phase = this.#phase
      this.#counts[phase === 'waiting' ? 'ended' : phase === 'closing' ? 'closed' : 'aborted'] += 1
    }
    this.#settleIfDone()
  }

  readonly #onAbort = (): void => {
    this.#abortAll()
  }

  #closeAll(): void {
    this.#phase = 'closing'
    this.#target.closeClients()
    this.#timer = setTimeout(() => {
      this.#abortAll()
    }, this.#closeTimeout)
    this.#settleIfDone()
  }

  #abortAll(): void {
    clearTimeout(this.#timer)
    this.#phase = 'aborting'
    this.#target.abortClients()
    this.#settleIfDone()
  }

  #settleIfDone(): void {
    if (this.#target.remaining() > 0) {
      return
    }
    clearTimeout(this.#timer)
    this.#signal?.removeEventListener('abort', this.#onAbort)
    this.#resolve({ ...this.#counts })
  }
}
