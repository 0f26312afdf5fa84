import { randomBytes } from 'node:crypto'
import type { Socket } from 'node:net'
import { pingPong } from './peer.ts'

/** How a legitimate client fared while a scenario ran. */
export interface PingOutcome {
  /** Pings echoed byte-exact. */
  readonly pings: number
  /** Pings not echoed (a mismatch, a close, or no answer within the ping timeout). */
  readonly failures: number
  /** Whether its connection is still open. */
  readonly open: boolean
  /** `12 pings echoed byte-exact, 0 failed, connection still open`. */
  readonly description: string
  /** At least one ping, none failed, and the connection still open. */
  readonly ok: boolean
}

/**
 * A legitimate client that keeps using its connection while a scenario attacks the server: it
 * sends 1 KiB and waits for its exact echo, every `intervalMs`, until stopped or until a ping
 * fails.
 * @example
 * ```ts
 * const pinger = new Pinger(socket)
 * // ... the attack ...
 * const { ok, description } = await pinger.stop()
 * ```
 */
export class Pinger {
  readonly #socket: Socket
  readonly #running: Promise<void>
  #on = true
  #pings = 0
  #failures = 0

  constructor(socket: Socket, intervalMs = 250, pingTimeoutMs = 10_000) {
    this.#socket = socket
    this.#running = (async () => {
      while (this.#on && !socket.destroyed) {
        if (!(await pingPong(socket, randomBytes(1024), pingTimeoutMs))) {
          this.#failures += 1
          return
        }
        this.#pings += 1
        await new Promise((resolve) => setTimeout(resolve, intervalMs))
      }
    })()
  }

  /** Stops after the ping under way, and tells how it went. */
  async stop(): Promise<PingOutcome> {
    this.#on = false
    await this.#running
    const open = !this.#socket.destroyed
    return {
      pings: this.#pings,
      failures: this.#failures,
      open,
      description:
        `${this.#pings} pings echoed byte-exact, ${this.#failures} failed, ` +
        `connection ${open ? 'still open' : 'closed'}`,
      ok: this.#pings > 0 && this.#failures === 0 && open,
    }
  }
}
