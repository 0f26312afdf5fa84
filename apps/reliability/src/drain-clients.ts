import { randomBytes, randomInt } from 'node:crypto'
import type { Socket } from 'node:net'
import { EchoMatcher } from './echo-matcher.ts'
import { Receiver, connectPeer, writeUntilBlocked } from './peer.ts'

/**
 * What a client does while the server drains:
 * - `finishing`: exchanges messages until told to finish, then ends its side (FIN) after the
 *   exchange under way, as a client told by its protocol that the server is going away;
 * - `busy`: exchanges messages for as long as the connection lasts;
 * - `stuck`: stops reading and writes until it is blocked, so the server can never flush to it.
 */
export type DrainRole = 'finishing' | 'busy' | 'stuck'

/** The block a stuck client writes again and again. */
const STUCK_BLOCK = randomBytes(256 * 1024)

/** One client of the drain scenario: its echo checked as it comes, its exchanges timed. */
export class DrainClient {
  readonly role: DrainRole
  readonly socket: Socket
  readonly matcher = new EchoMatcher()
  readonly receiver: Receiver
  /** Its local port, which the server's records name. */
  readonly port: number
  /** When (performance.now()) each exchange completed. */
  readonly exchanges: number[] = []
  #finish = false
  #echoed: (() => void) | undefined
  #running: Promise<void> = Promise.resolve()

  private constructor(role: DrainRole, socket: Socket) {
    this.role = role
    this.socket = socket
    this.port = socket.localPort ?? -1
    this.receiver = new Receiver(socket, (chunk) => {
      this.matcher.received(chunk)
      if (this.matcher.outstanding <= 0) {
        this.#echoed?.()
      }
    })
    void this.receiver.closed.then(() => this.#echoed?.())
  }

  static async open(host: string, port: number, role: DrainRole): Promise<DrainClient> {
    return new DrainClient(role, await connectPeer(host, port))
  }

  /** Starts its work; a stuck client resolves once it is blocked. */
  async start(): Promise<void> {
    if (this.role === 'stuck') {
      // One exchange first, so that it was served before it got stuck.
      await this.#exchange()
      this.socket.pause()
      await writeUntilBlocked(this.socket, STUCK_BLOCK, (chunk) => this.matcher.sent(chunk))
      return
    }
    this.#running = this.#loop()
  }

  /** A finishing client ends its side after the exchange under way. */
  finish(): void {
    this.#finish = true
  }

  /** Resolves once its connection is over: its loop done and its socket closed. */
  async done(timeoutMs: number): Promise<void> {
    if (this.role === 'stuck') {
      this.socket.resume()
    }
    await Promise.race([
      Promise.all([this.#running, this.receiver.closed]),
      new Promise((resolve) => setTimeout(resolve, timeoutMs)),
    ])
  }

  /** Exchanges completed after `since` (performance.now()). */
  exchangesAfter(since: number): number {
    return this.exchanges.filter((at) => at > since).length
  }

  async #loop(): Promise<void> {
    while (!this.#finish && this.receiver.end === 'open') {
      await this.#exchange()
    }
    if (this.#finish && this.receiver.end === 'open') {
      this.socket.end()
    }
  }

  /** Sends 1 B to 16 KiB and waits for its echo (or the end of the connection). */
  async #exchange(): Promise<void> {
    const echoed = new Promise<void>((resolve) => {
      this.#echoed = resolve
    })
    this.socket.write(this.matcher.sent(randomBytes(randomInt(1, 16 * 1024 + 1))))
    await echoed
    this.#echoed = undefined
    if (this.matcher.outstanding === 0 && this.matcher.prefixExact) {
      this.exchanges.push(performance.now())
    }
  }
}
