/** How many steps one auto-pump turn runs before letting the event loop breathe. */
const STEPS_PER_TURN = 16

/** What a pump drives: one step of a pair's deliveries. */
export interface PumpedLink {
  /** Runs one step's deliveries; `true` when anything happened. */
  runStep(): boolean
  /** `true` once there is nothing left to pump, ever (every end lost). */
  readonly done: boolean
}

/**
 * Runs a memory pair's steps: by hand (`step()`, `flush()`) or, with `auto`, on `setImmediate`
 * whenever something can be delivered; never from inside a protocol callback. Shared by the stream
 * and the datagram pairs.
 */
export class Pump {
  readonly #link: PumpedLink
  readonly #auto: boolean
  /** What the pair is called in errors: `'memory pair'`, `'memory datagram pair'`. */
  readonly #name: string
  #stepping = false
  #scheduled = false

  constructor(link: PumpedLink, auto: boolean, name: string) {
    this.#link = link
    this.#auto = auto
    this.#name = name
  }

  /** Runs one step; `true` when anything happened. */
  step(): boolean {
    if (this.#stepping) {
      throw new Error('step() and flush() cannot be called from inside a protocol callback')
    }
    this.#stepping = true
    try {
      return this.#link.runStep()
    } finally {
      this.#stepping = false
    }
  }

  /** Runs steps until nothing more happens; throws past `maxSteps` (protocols that never rest). */
  flush(maxSteps: number): number {
    for (let steps = 0; steps < maxSteps; steps++) {
      if (!this.step()) {
        return steps
      }
    }
    throw new Error(`the ${this.#name} was still busy after ${maxSteps} steps`)
  }

  /** Something can be delivered: in auto mode, run the pump on the next `setImmediate`. */
  readonly wake = (): void => {
    if (!this.#auto || this.#scheduled || this.#link.done) {
      return
    }
    this.#scheduled = true
    setImmediate(this.#turn)
  }

  readonly #turn = (): void => {
    this.#scheduled = false
    for (let i = 0; i < STEPS_PER_TURN; i++) {
      if (!this.step()) {
        return
      }
    }
    this.wake()
  }
}
