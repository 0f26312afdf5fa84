/**
 * A bound on every wait of the side-by-side tests, not a deadline: each wait is for something a
 * loopback peer causes within milliseconds on a quiet machine (seconds on a starved one), so only
 * a wrong behaviour (an event that never comes) reaches it, and the error then shows what was
 * seen so far. Most such waits end earlier, as soon as what they wait for can no longer come.
 */
export const WAIT_GUARD_MS = 30_000

interface Waiter {
  readonly test: () => boolean
  readonly hopeless: () => boolean
  readonly settle: (error?: Error) => void
}

/** Something a test awaits a state of, without sleeping: every change calls `notify()`. */
export abstract class Waitable {
  readonly #waiters: Waiter[] = []

  /** What was seen so far, for the error of a wait that never ends. */
  abstract describe(): string

  /** Checks the waits again: call it after every change they may test. */
  notify(): void {
    for (const waiter of [...this.#waiters]) {
      if (waiter.test()) {
        waiter.settle()
      } else if (waiter.hopeless()) {
        waiter.settle(new Error(`it can no longer come; seen:\n${this.describe()}`))
      }
    }
  }

  /**
   * Resolves once `test` holds. Rejects, saying `what` it waited for, once `hopeless` holds (what
   * it waits for can no longer happen, such as data after the end) or after {@link WAIT_GUARD_MS}.
   */
  until(test: () => boolean, what: string, hopeless: () => boolean = () => false): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        test,
        hopeless,
        settle: (error) => {
          clearTimeout(guard)
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1)
          if (error === undefined) {
            resolve()
          } else {
            error.message = `no ${what}: ${error.message}`
            reject(error)
          }
        },
      }
      const guard = setTimeout(() => {
        waiter.settle(new Error(`not within ${WAIT_GUARD_MS} ms; seen:\n${this.describe()}`))
      }, WAIT_GUARD_MS)
      this.#waiters.push(waiter)
      this.notify()
    })
  }
}
