import { StreamTransport } from '@wirekit/connection-core'
import type { AnyProtocol, TransportAddress, WriteBufferLimits } from '@wirekit/protocol-core'
import type { Pipe } from './pipe.ts'

/** What a memory transport needs from its pair. */
export interface MemoryTransportHooks {
  readonly onError: (error: Error) => void
  readonly onWarning: (message: string) => void
  /** Something new can be delivered: the pair's pump should run. */
  readonly wake: () => void
}

/**
 * One end of a memory connection: the connection core over two pipes. It writes into `outgoing`
 * and its pair's pump feeds it from `incoming`; this class only moves bytes, and decides, as a
 * socket would, when the connection is over. Every protocol callback but `connectionMade` and the
 * flow ones is called from the pump, so none is ever re-entrant.
 */
export class MemoryTransport extends StreamTransport {
  readonly #outgoing: Pipe
  readonly #incoming: Pipe
  readonly #wake: () => void
  readonly #local: TransportAddress
  readonly #remote: TransportAddress
  /** What the core asked of the outgoing pipe: EOF, a close, an abort. */
  #eofSent = false
  #closeSent = false
  #abortSent = false

  constructor(
    protocol: AnyProtocol,
    pipes: { readonly outgoing: Pipe; readonly incoming: Pipe },
    addresses: { readonly local: TransportAddress; readonly remote: TransportAddress },
    hooks: MemoryTransportHooks,
    limits: Partial<WriteBufferLimits> | undefined,
  ) {
    super(protocol, {
      onError: hooks.onError,
      onWarning: hooks.onWarning,
      writeBufferLimits: limits,
      peer: `${addresses.remote.address} port ${addresses.remote.port}`,
    })
    this.#outgoing = pipes.outgoing
    this.#incoming = pipes.incoming
    this.#local = addresses.local
    this.#remote = addresses.remote
    this.#wake = hooks.wake
  }

  // --- the pipes' I/O, for the core ---

  protected ioStartReading(): void {
    this.#wake()
  }

  protected ioStopReading(): void {
    // The pump delivers only while the transport reads.
  }

  protected ioWrite(data: Uint8Array): void {
    // A copy: the caller may change its array as soon as write() returns.
    this.#outgoing.push(new Uint8Array(data))
    this.#wake()
  }

  protected ioWriteAll(chunks: readonly Uint8Array[]): void {
    for (const chunk of chunks) {
      this.#outgoing.push(new Uint8Array(chunk))
    }
    this.#wake()
  }

  protected ioWriteBufferSize(): number {
    return this.#outgoing.size
  }

  protected ioWriteEof(): void {
    this.#eofSent = true
    this.#outgoing.end()
    this.#wake()
  }

  protected ioClose(): void {
    this.#closeSent = true
    this.#outgoing.end()
    this.#wake()
  }

  protected ioAbort(): void {
    this.#abortSent = true
    this.#outgoing.clear()
    this.#outgoing.end()
    this.#wake()
  }

  protected ioExtraInfo(name: string): unknown {
    switch (name) {
      case 'peername':
        return this.#remote
      case 'sockname':
        return this.#local
      default:
        return undefined
    }
  }

  // --- called by the pair's pump ---

  /** `true` once `connectionLost` has been called. */
  get lost(): boolean {
    return this.finished
  }

  /** Bytes from the peer, owned from now on. */
  deliver(chunk: Uint8Array): void {
    this.receive(chunk)
  }

  /** The peer's EOF. */
  deliverEof(): void {
    this.receiveEof()
  }

  /** Some of the bytes written here were delivered or dropped: the buffer shrank. */
  outgoingShrank(): void {
    this.writeProgress()
  }

  /** The connection was reset: everything is dropped and `connectionLost` gets `error`. */
  reset(error: Error): void {
    this.fail(error)
  }

  /**
   * Calls `connectionLost` once the connection is over, as a socket would close: aborted, flushed
   * after a close, or both directions ended and flushed.
   * @returns `true` when it did.
   */
  finishIfDone(): boolean {
    if (this.finished) {
      return false
    }
    const flushed = this.#outgoing.size === 0
    const done =
      this.#closeSent || this.#abortSent
        ? this.#abortSent || flushed
        : this.#eofSent && flushed && this.#incoming.eofDelivered
    if (done) {
      this.finish()
    }
    return done
  }
}
