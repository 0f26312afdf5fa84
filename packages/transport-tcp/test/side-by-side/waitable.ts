/**
 * A bound on every wait of the side-by-side tests, not a deadline: each wait is for something a
 * loopback peer causes within milliseconds, so only a wrong behaviour (an event that never comes)
 * reaches it, and the error then shows what was seen so far.
 */
export const WAIT_GUARD_MS = 10_000

/** Something a test awaits a state of, without sleeping: every change calls `notify()`. */
export abstract class Waitable {
  readonly #waiters: { readonly test: () => boolean; readonly resolve: () => void }[] = []

  /** What was seen so far, for the error of a wait that never ends. */
  abstract describe(): string

  /** Checks the waits again: call it after every change they may test. */
  notify(): void {
    for (const waiter of this.#waiters.filter((w) => w.test())) {
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1)
      waiter.resolve()
    }
  }

  /** Resolves once `test` holds; rejects, saying `what` it waited for, after {@link WAIT_GUARD_MS}. */
  until(test: () => boolean, what: string): Promise<void> {
    if (test()) {
      return Promise.resolve()
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        test,
        resolve: (): void => {
          clearTimeout(guard)
          resolve()
        },
      }
      const guard = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1)
        reject(new Error(`no ${what} within ${WAIT_GUARD_MS} ms; seen:\n${this.describe()}`))
      }, WAIT_GUARD_MS)
      this.#waiters.push(waiter)
    })
  }
}
