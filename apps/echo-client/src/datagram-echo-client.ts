import { DatagramProtocol, type DatagramTransport } from '@wirekit/protocol-core'
import { formatBytes, type Logger } from '@wirekit/app-support'

/** How a {@link DatagramEchoClient} sends and waits. */
export interface DatagramEchoOptions {
  /** Each is sent as one datagram, in order; the next once the previous one's echo came back. */
  readonly messages: readonly Uint8Array[]
  /** How long to wait for an echo before sending the datagram again, in milliseconds. */
  readonly waitMs: number
  /** How many times a datagram is sent again, at most, before the exchange fails. */
  readonly retries: number
}

/** How the exchange ended: `undefined` when every echo came back, else why not, in one line. */
export type DatagramExchangeFailure = string | undefined

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i])
}

/**
 * The seed's `EchoClient` over UDP (`--udp`): sends each message as one datagram, waits for the
 * echo of that datagram before sending the next, and logs the seed's `sending` and `received`
 * lines. UDP may lose, duplicate or reorder datagrams, so:
 *
 * - an echo that does not come within `waitMs` is asked for again by sending the datagram again,
 *   up to `retries` times; then the exchange fails;
 * - a datagram equal to an earlier message is a late or duplicated echo of it (after a resend) and
 *   is ignored; any other datagram that is not the awaited echo is a mismatch and fails the
 *   exchange. (Two equal messages in a row cannot be told apart: UDP echoes carry no sequence
 *   number.)
 * - `errorReceived` fails the exchange at once: `ECONNREFUSED` (ICMP port unreachable: nothing
 *   listens) or `EMSGSIZE` (a message larger than a datagram can be).
 *
 * {@link DatagramEchoClient.done} resolves with `undefined` once every echo came back, or with
 * the reason it failed; the endpoint is closed either way.
 */
export class DatagramEchoClient extends DatagramProtocol {
  /** Resolves once the exchange is over: `undefined` on success, else the reason. */
  readonly done: Promise<DatagramExchangeFailure>
  readonly #log: Logger
  readonly #options: DatagramEchoOptions
  #next = 0
  #tries = 0
  #timer: NodeJS.Timeout | undefined
  #peer = 'the server'
  #finished = false
  #settle!: (failure: DatagramExchangeFailure) => void

  constructor(log: Logger, options: DatagramEchoOptions) {
    super()
    this.#log = log
    this.#options = options
    this.done = new Promise((resolve) => {
      this.#settle = resolve
    })
  }

  override connectionMade(transport: DatagramTransport): void {
    super.connectionMade(transport)
    const peer = transport.getExtraInfo('peername')
    this.#peer = `${peer?.address ?? 'unknown'} port ${peer?.port ?? 0}`
    this.#log.debug(`connecting to ${this.#peer}`)
    this.#sendNext()
  }

  /** The message being waited for, if any. */
  get #current(): Uint8Array | undefined {
    return this.#options.messages[this.#next]
  }

  #sendNext(): void {
    const message = this.#current
    if (message === undefined) {
      this.#finish(undefined)
      return
    }
    this.#tries = 1
    this.#log.debug(`sending ${formatBytes(message)}`)
    this.#send(message)
  }

  #send(message: Uint8Array): void {
    this.transport?.sendto(message)
    this.#timer = setTimeout(() => this.#onTimeout(message), this.#options.waitMs)
  }

  #onTimeout(message: Uint8Array): void {
    const { retries, waitMs, messages } = this.#options
    const seconds = waitMs / 1000
    if (this.#tries > retries) {
      this.#finish(
        `no echo of message ${this.#next + 1} of ${messages.length} after ${this.#tries} tries, ${seconds} s each`,
      )
      return
    }
    this.#tries += 1
    this.#log.warn(
      `no echo after ${seconds} s: sending again (try ${this.#tries} of ${retries + 1})`,
    )
    this.#send(message)
  }

  override datagramReceived(data: Uint8Array): void {
    if (this.#finished) {
      return
    }
    this.#log.debug(`received ${formatBytes(data)}`)
    const current = this.#current
    if (current !== undefined && equalBytes(data, current)) {
      clearTimeout(this.#timer)
      this.#next += 1
      this.#sendNext()
      return
    }
    const earlier = this.#options.messages.slice(0, this.#next)
    if (earlier.some((message) => equalBytes(message, data))) {
      this.#log.debug('a late or duplicated echo of an earlier message: ignored')
      return
    }
    this.#finish(
      `echo mismatch: message ${this.#next + 1} of ${this.#options.messages.length} came back different`,
    )
  }

  override errorReceived(error: Error): void {
    const { code } = error as { code?: unknown }
    const { messages } = this.#options
    if (code === 'ECONNREFUSED') {
      this.#finish(`no UDP server at ${this.#peer}: connection refused (ECONNREFUSED)`)
    } else if (code === 'EMSGSIZE') {
      this.#finish(
        `message ${this.#next + 1} of ${messages.length} (${this.#current?.length ?? 0} bytes) is too large for one datagram (EMSGSIZE)`,
      )
    } else {
      this.#finish(error.message)
    }
  }

  override connectionLost(): void {
    // A close from outside (the process stopping) ends the exchange where it is.
    this.#finish('the endpoint was closed before every echo came back')
  }

  #finish(failure: DatagramExchangeFailure): void {
    if (this.#finished) {
      return
    }
    this.#finished = true
    clearTimeout(this.#timer)
    this.#settle(failure)
    this.transport?.close()
  }
}
