import { createHash, type Hash } from 'node:crypto'
import { Protocol, type Transport } from '@wirekit/protocol-core'
import { formatBytes, type Logger } from '@wirekit/app-support'
import type { TCPExtraInfo } from '@wirekit/transport-tcp'

/**
 * The one line saying the connection is TLS, with what and whose certificate (verified: the
 * connection would have failed otherwise); `undefined` on a plaintext connection.
 */
function tlsLine(transport: Transport): string | undefined {
  const tls = transport as unknown as Transport<TCPExtraInfo>
  const version = tls.getExtraInfo('tlsProtocol')
  if (version === undefined) {
    return undefined
  }
  const cipher = tls.getExtraInfo('cipher')?.name ?? 'unknown cipher'
  const subject = tls.getExtraInfo('peercert')?.subject
  const names = Object.entries(subject ?? {}).map(([key, value]) => `${key}=${String(value)}`)
  return `TLS on: ${version} with ${cipher}, server certificate ${names.join(', ')} verified`
}

/** How an exchange ended: the bytes both ways (length and SHA-256), and the error if any. */
export interface ExchangeResult {
  readonly sentBytes: number
  readonly receivedBytes: number
  readonly sentDigest: string
  readonly receivedDigest: string
  /** The connection's error, `undefined` when it ended cleanly. */
  readonly error: Error | undefined
}

/** Where the echo goes, when it is not only counted (the `--stdin` mode writes it to stdout). */
export interface EchoSink {
  /** Takes a chunk; returns `false` when it wants no more until `onDrain` fires. */
  write(chunk: Uint8Array): boolean
  /** Calls `listener` once the sink can take more. */
  onDrain(listener: () => void): void
}

/** Where streamed input comes from: paused while the transport's buffer is above its high mark. */
export interface EchoSource {
  pause(): void
  resume(): void
}

/** What an {@link EchoClient} sends and where the echo goes. */
export interface EchoClientOptions {
  /** Sent in order once connected, then EOF. Ignored when streaming (`source` given). */
  readonly messages?: readonly Uint8Array[]
  /** Streaming mode: the input, sent with {@link EchoClient.send}, throttled by flow control. */
  readonly source?: EchoSource
  /** Streaming mode: takes the echo, with backpressure. */
  readonly sink?: EchoSink
}

/**
 * The seed's `EchoClient`: sends its messages, then EOF, logs what comes back, and resolves
 * {@link EchoClient.done} when the server's EOF or close arrives. Unlike the seed (which misspelt
 * `connnection_lost`, so asyncio never called it), `connectionLost` is an `override`: a typo would
 * not compile.
 */
export class EchoClient extends Protocol {
  /** Resolves with the bytes sent and received once the connection is over. */
  readonly done: Promise<ExchangeResult>
  readonly #log: Logger
  readonly #options: EchoClientOptions
  readonly #sent: Hash = createHash('sha256')
  readonly #received: Hash = createHash('sha256')
  #sentBytes = 0
  #receivedBytes = 0
  #settle!: (result: ExchangeResult) => void

  constructor(log: Logger, options: EchoClientOptions) {
    super()
    this.#log = log
    this.#options = options
    this.done = new Promise((resolve) => {
      this.#settle = resolve
    })
  }

  override connectionMade(transport: Transport): void {
    super.connectionMade(transport)
    const peer = transport.getExtraInfo('peername')
    // A Unix socket's peer is its path; an IP one's an address and a port.
    this.#log.debug(
      typeof peer === 'string'
        ? `connecting to ${peer.replace(/^\0/, '@')}`
        : `connecting to ${peer?.address ?? 'unknown'} port ${peer?.port ?? 0}`,
    )
    const tls = tlsLine(transport)
    if (tls !== undefined) {
      this.#log.debug(tls)
    }
    if (this.#options.source !== undefined) {
      return
    }
    for (const message of this.#options.messages ?? []) {
      this.send(message)
      this.#log.debug(`sending ${formatBytes(message)}`)
    }
    if (transport.canWriteEof()) {
      transport.writeEof()
    }
  }

  /** Sends a chunk and counts it (streaming mode calls this for each chunk of input). */
  send(chunk: Uint8Array): void {
    this.#sent.update(chunk)
    this.#sentBytes += chunk.length
    this.transport?.write(chunk)
  }

  override dataReceived(data: Uint8Array): void {
    this.#received.update(data)
    this.#receivedBytes += data.length
    if (this.#log.enabled('debug')) {
      this.#log.debug(`received ${formatBytes(data)}`)
    }
    const sink = this.#options.sink
    if (sink !== undefined && !sink.write(data)) {
      // The output cannot keep up: stop reading until it drains (and so slow the server down).
      this.transport?.pauseReading()
      sink.onDrain(() => this.transport?.resumeReading())
    }
  }

  override pauseWriting(): void {
    this.#options.source?.pause()
  }

  override resumeWriting(): void {
    this.#options.source?.resume()
  }

  override eofReceived(): boolean {
    this.#log.debug('received EOF')
    return false
  }

  override connectionLost(error: Error | undefined): void {
    if (error !== undefined) {
      this.#log.debug(`connection lost: ${error.message}`)
    }
    this.#settle({
      sentBytes: this.#sentBytes,
      receivedBytes: this.#receivedBytes,
      sentDigest: this.#sent.digest('hex'),
      receivedDigest: this.#received.digest('hex'),
      error,
    })
  }
}
