import { DatagramProtocol, type TransportAddress } from '@wirekit/protocol-core'
import { formatBytes, Logger, type LogSink } from '@wirekit/app-support'

/** How often, at most, dropped datagrams are reported. */
export const DROP_REPORT_INTERVAL_MS = 10_000

/**
 * The seed's `EchoServer` for UDP (`--udp`): each datagram goes back to its sender as one
 * datagram, logged with the seed's `received` and `sent` lines under the sender's name,
 * `EchoServer_<address>_<port>`. UDP has no connections, so there is no `connection accepted`,
 * `received EOF` or `closing`.
 *
 * UDP has no backpressure: while the transport's queue is above its high-water mark
 * (`pauseWriting`), datagrams are dropped instead of echoed, so a sender that floods the server
 * cannot grow its memory; the count is logged when sending resumes, at most once per
 * {@link DROP_REPORT_INTERVAL_MS} (the rest at the next report, or when the endpoint closes), so
 * that a flood cannot flood the log too. A client that waits for each echo, as echo-client does,
 * sends again.
 */
export class DatagramEchoServer extends DatagramProtocol {
  /** Resolves once the endpoint is closed (`connectionLost`). */
  readonly closed: Promise<void>
  readonly #sink: LogSink
  readonly #log: Logger
  #paused = false
  #dropped = 0
  #lastReport = -Infinity
  #resolveClosed!: () => void

  /**
   * @param sink - Where the lines go.
   * @param log - The server's own logger (`main`), for errors and drops.
   */
  constructor(sink: LogSink, log: Logger) {
    super()
    this.#sink = sink
    this.#log = log
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve
    })
  }

  override datagramReceived(data: Uint8Array, address: TransportAddress): void {
    if (this.#paused) {
      this.#dropped += 1
      return
    }
    // The hot path: the lines cost more than the echo, so only when they show.
    if (!this.#log.enabled('debug')) {
      this.transport?.sendto(data, address)
      return
    }
    const log = new Logger(`EchoServer_${address.address}_${address.port}`, this.#sink)
    const shown = formatBytes(data)
    log.debug(`received ${shown}`)
    this.transport?.sendto(data, address)
    log.debug(`sent ${shown}`)
  }

  override errorReceived(error: Error): void {
    this.#log.error(`ERROR: ${error.message}`)
  }

  override pauseWriting(): void {
    this.#paused = true
  }

  override resumeWriting(): void {
    this.#paused = false
    if (performance.now() - this.#lastReport >= DROP_REPORT_INTERVAL_MS) {
      this.#reportDropped()
    }
  }

  #reportDropped(): void {
    const dropped = this.#dropped
    if (dropped > 0) {
      this.#lastReport = performance.now()
      this.#dropped = 0
      const datagrams = dropped === 1 ? 'datagram' : 'datagrams'
      this.#log.warn(`dropped ${dropped} ${datagrams} while the send queue was full`)
    }
  }

  override connectionLost(error: Error | undefined): void {
    this.#reportDropped()
    if (error !== undefined) {
      this.#log.error(`ERROR: ${error.message}`)
    }
    this.#resolveClosed()
  }
}
