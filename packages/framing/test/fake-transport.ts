import type { StreamProtocolCallbacks, Transport } from '@wirekit/protocol-core'

/** What a {@link FakeTransport} does with EOF that arrives while reading is paused. */
export type EofWhilePaused = 'hold' | 'deliver'

/**
 * The part of a transport that framing uses, driven by hand: `receive()` and `receiveEof()` play
 * the network. Like transport-tcp it holds chunks (and EOF) while reading is paused and hands them
 * on synchronously in `resumeReading()`; once closing it drops what arrives.
 */
export class FakeTransport {
  readonly protocol: StreamProtocolCallbacks
  readonly written: Uint8Array[] = []
  /** How the transport was ended, first call wins. */
  endedBy: 'close' | 'abort' | undefined
  readonly #eofWhilePaused: EofWhilePaused
  #reading = true
  #held: (Uint8Array | 'eof')[] = []

  constructor(protocol: StreamProtocolCallbacks, eofWhilePaused: EofWhilePaused = 'hold') {
    this.protocol = protocol
    this.#eofWhilePaused = eofWhilePaused
    protocol.connectionMade(this.transport)
  }

  /** This object as the `Transport` a protocol expects (only the methods framing uses exist). */
  get transport(): Transport {
    return this as unknown as Transport
  }

  isClosing(): boolean {
    return this.endedBy != null
  }

  isReading(): boolean {
    return this.#reading && !this.isClosing()
  }

  pauseReading(): void {
    this.#reading = false
  }

  resumeReading(): void {
    if (this.isClosing() || this.#reading) {
      return
    }
    this.#reading = true
    let next: Uint8Array | 'eof' | undefined
    while (this.isReading() && (next = this.#held.shift()) !== undefined) {
      this.#deliver(next)
    }
  }

  close(): void {
    this.endedBy ??= 'close'
  }

  abort(): void {
    this.endedBy ??= 'abort'
  }

  write(data: Uint8Array): void {
    this.written.push(data.slice())
  }

  writeLines(chunks: Iterable<Uint8Array>): void {
    for (const chunk of chunks) {
      this.write(chunk)
    }
  }

  /** The network delivers `chunk`. */
  receive(chunk: Uint8Array): void {
    this.#arrive(chunk)
  }

  /** The peer half-closes. */
  receiveEof(): void {
    this.#arrive('eof')
  }

  #arrive(next: Uint8Array | 'eof'): void {
    if (this.isClosing()) {
      return
    }
    const deliverNow =
      next === 'eof' && this.#eofWhilePaused === 'deliver' && this.#held.length === 0
    if (!this.isReading() && !deliverNow) {
      this.#held.push(next)
      return
    }
    this.#deliver(next)
  }

  #deliver(next: Uint8Array | 'eof'): void {
    if (next !== 'eof') {
      this.protocol.dataReceived(next)
    } else if (!this.protocol.eofReceived()) {
      this.close()
    }
  }
}

/** Cuts `data` into chunks whose sizes cycle through `sizes` (each at least 1). */
export function chunked(data: Uint8Array, sizes: readonly number[]): Uint8Array[] {
  const chunks: Uint8Array[] = []
  let offset = 0
  for (let i = 0; offset < data.length; i++) {
    const size = Math.max(1, sizes[i % sizes.length] ?? 1)
    chunks.push(data.slice(offset, offset + size))
    offset += size
  }
  return chunks
}
