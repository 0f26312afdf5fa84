import { BufferedProtocol, type Transport } from '@wirekit/protocol-core'
import { formatBytes, Logger, type LogSink } from '@wirekit/app-support'
import { connectionDetails, isProxyHealthCheck } from './connection-details.ts'

/**
 * One read buffer for every connection: each read is echoed (the transport copies what it
 * writes) and logged before the next read of any connection, so nothing holds on to it.
 */
const readBuffer = new Uint8Array(256 * 1024)

/** How many connections a Unix-socket server of this process has accepted (see {@link loggerName}). */
let unixConnections = 0

/**
 * The seed's logger name for a connection, `EchoServer_<address>_<port>`. A Unix socket's client
 * has no name (its peername is `''`): the server's path stands for the address, and the
 * connection's number for the port.
 */
function loggerName(transport: Transport): string {
  const peer = transport.getExtraInfo('peername')
  if (typeof peer === 'string') {
    unixConnections += 1
    const path = transport.getExtraInfo('sockname')
    // An abstract name is shown as ss shows it, @NAME, as the command line takes it.
    const shown = typeof path !== 'string' ? 'unknown' : path.replace(/^\0/, '@')
    return `EchoServer_${shown}_${unixConnections}`
  }
  // Behind a balancer the peer is the client the PROXY header names.
  return `EchoServer_${peer?.address ?? 'unknown'}_${peer?.port ?? 0}`
}

/**
 * The seed's `EchoServer`: sends back what it receives, answers EOF with EOF, and logs each step.
 *
 * It is a {@link BufferedProtocol} (asyncio's zero-copy receive path): the socket reads straight
 * into {@link readBuffer}, so a request costs no allocation. The callbacks and log lines are the
 * seed's; `bufferUpdated` plays the part of its `data_received`. Over TLS and behind a load
 * balancer the lines are the same, the client's address being the one the PROXY header gives,
 * plus a line on the balancer and the client's certificate (see {@link connectionDetails}).
 */
export class EchoServer extends BufferedProtocol {
  readonly #sink: LogSink
  #log: Logger | undefined
  #healthCheck = false

  constructor(sink: LogSink) {
    super()
    this.#sink = sink
  }

  override connectionMade(transport: Transport): void {
    super.connectionMade(transport)
    this.#log = new Logger(loggerName(transport), this.#sink)
    this.#log.debug('connection accepted')
    this.#healthCheck = isProxyHealthCheck(transport)
    if (this.#log.enabled('debug')) {
      for (const line of connectionDetails(transport)) {
        this.#log.debug(line)
      }
    }
  }

  override getBuffer(): Uint8Array {
    return readBuffer
  }

  override bufferUpdated(nbytes: number): void {
    const data = readBuffer.subarray(0, nbytes)
    const log = this.#log
    // The hot path: formatting bytes costs more than echoing them, so only when the lines show.
    if (log?.enabled('debug') !== true) {
      this.transport?.write(data)
      return
    }
    const shown = formatBytes(data)
    log.debug(`received ${shown}`)
    this.transport?.write(data)
    log.debug(`sent ${shown}`)
  }

  override eofReceived(): boolean {
    this.#log?.debug('received EOF')
    if (this.transport?.canWriteEof() === true) {
      this.transport.writeEof()
    }
    // Keep the transport: it closes once our EOF is sent too.
    return true
  }

  override connectionLost(error: Error | undefined): void {
    if (error === undefined) {
      this.#log?.debug('closing')
    } else if (this.#healthCheck && (error as { code?: unknown }).code === 'ECONNRESET') {
      // HAProxy resets its health checks on purpose (no TIME_WAIT): not worth an ERROR line each.
      this.#log?.debug('closing: the proxy reset its health check')
    } else {
      this.#log?.error(`ERROR: ${error.message}`)
    }
  }

  /** The peer reads slower than it sends: stop reading from it until it catches up. */
  override pauseWriting(): void {
    this.transport?.pauseReading()
  }

  override resumeWriting(): void {
    this.transport?.resumeReading()
  }

  /**
   * The server drains (a shutdown): an echo has nothing to finish but what it owes, so it closes
   * now; the close flushes what was echoed before.
   */
  drainRequested(): void {
    this.transport?.close()
  }
}
