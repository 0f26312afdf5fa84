import {
  AbstractDatagramTransport,
  type DatagramAddress,
  type DatagramProtocolCallbacks,
  type DatagramTransportHooks,
  type TransportAddress,
} from '@wirekit/protocol-core'

/** A datagram waiting in a memory endpoint's queue for the pump. */
export interface OutgoingDatagram {
  /** The transport's own copy of the bytes. */
  readonly data: Uint8Array
  /** Where it goes; `undefined` for a connected endpoint's peer. */
  readonly to: DatagramAddress | undefined
  /** Tells the transport the datagram has left its queue (with an error when it failed). */
  readonly done: (error?: Error) => void
}

/** What a memory datagram transport needs from its pair. */
export interface MemoryDatagramTransportHooks extends DatagramTransportHooks {
  /** Something new can be delivered: the pair's pump should run. */
  readonly wake: () => void
}

/**
 * One endpoint of a memory datagram pair: the shared datagram state machine over a queue that the
 * pair's pump empties. Every callback but `connectionMade` and the flow ones is called by the
 * pump, so none is ever re-entrant.
 */
export class MemoryDatagramTransport extends AbstractDatagramTransport {
  /** Datagrams sent and not yet taken by the pump, oldest first. */
  readonly outbox: OutgoingDatagram[] = []
  /** This endpoint's address. */
  readonly address: TransportAddress
  /** The peer of a connected endpoint. */
  readonly peer: TransportAddress | undefined
  readonly #wake: () => void
  #socketClosed = false
  #lost = false

  constructor(
    protocol: DatagramProtocolCallbacks,
    addresses: { readonly local: TransportAddress; readonly remote: TransportAddress | undefined },
    hooks: MemoryDatagramTransportHooks,
  ) {
    super(
      protocol,
      addresses.remote === undefined
        ? { sockname: addresses.local }
        : { sockname: addresses.local, peername: addresses.remote },
      hooks,
    )
    this.address = addresses.local
    this.peer = addresses.remote
    this.#wake = hooks.wake
  }

  /** `true` once the socket is closed: datagrams sent here are refused. */
  get refusing(): boolean {
    return this.#socketClosed
  }

  /** `true` once `connectionLost` has been called. */
  get lost(): boolean {
    return this.#lost
  }

  protected sendDatagram(
    data: Uint8Array,
    to: DatagramAddress | undefined,
    done: (error?: Error) => void,
  ): void {
    this.outbox.push({ data, to, done })
    this.#wake()
  }

  protected closeSocket(): void {
    // Called after a close() has flushed, or by abort(), which drops what is left.
    this.#socketClosed = true
    this.outbox.length = 0
    this.#wake()
  }

  /** The pump hands over a datagram that reached this endpoint. */
  receive(data: Uint8Array, from: TransportAddress): void {
    this.receiveDatagram(data, from)
  }

  /** The pump reports a failure concerning this endpoint's datagrams (an ICMP error). */
  fail(error: Error): void {
    this.receiveError(error)
  }

  /** Calls `connectionLost` once the socket is closed; `true` when it did. */
  finishIfClosed(): boolean {
    if (!this.#socketClosed || this.#lost) {
      return false
    }
    this.#lost = true
    this.socketClosed()
    return true
  }
}
