import type { DatagramTransport } from './datagram-transport.ts'
import type { TransportAddress } from './transport.ts'

/**
 * The callbacks of a datagram protocol (asyncio's `DatagramProtocol`).
 *
 * Call order, guaranteed by every wirekit datagram transport:
 *
 * ```text
 * connectionMade     once, first: the socket is bound (and connected, for a connected transport)
 * datagramReceived*  one call per datagram, until close() or abort()
 * errorReceived*     a failed send or receive; the transport stays open
 * connectionLost     once, last; nothing is delivered after it
 * ```
 *
 * `pauseWriting` and `resumeWriting` alternate, starting with a pause, between `connectionMade` and
 * `connectionLost`; `pauseWriting` may run inside the `sendto()` call that crossed the high-water
 * mark. `errorReceived` is never called inside `sendto()`, and `connectionLost` never inside
 * another callback: `close()` or `abort()` inside a callback leads to it only after that callback
 * has returned.
 */
export interface DatagramProtocolCallbacks {
  /**
   * Called once when the endpoint is ready, before any other callback.
   * @param transport - The transport of this endpoint: keep it to send and to close.
   */
  connectionMade(transport: DatagramTransport): void
  /**
   * Called with each datagram received, whole: one `sendto()` by the peer is one call here.
   * Datagrams may be lost, duplicated or reordered by the network; never split or merged.
   * @param data - The datagram's bytes, possibly empty. The protocol owns them and may keep them.
   * @param address - Who sent it.
   */
  datagramReceived(data: Uint8Array, address: TransportAddress): void
  /**
   * Called when sending or receiving failed (asyncio's `error_received`): an `Error` with the
   * system's `code`, such as `ECONNREFUSED` (a connected peer answered with ICMP port unreachable)
   * or `EMSGSIZE` (a datagram too large). The endpoint stays open.
   */
  errorReceived(error: Error): void
  /**
   * Called once when the endpoint is closed, after every other callback.
   * @param error - `undefined` after `close()` or `abort()`; the error that ended the endpoint
   *   otherwise (a {@link ProtocolCallbackError} when one of this protocol's callbacks threw).
   */
  connectionLost(error: Error | undefined): void
  /**
   * Called when the transport's queue of datagrams goes strictly above its high-water mark: stop
   * sending until {@link DatagramProtocolCallbacks.resumeWriting} is called. Datagrams sent
   * meanwhile are still queued, not lost. Optional.
   */
  pauseWriting?(): void
  /** Called once the queue has drained to the low-water mark or below, after a pause. */
  resumeWriting?(): void
}

/**
 * Makes the protocol of a datagram endpoint (asyncio's `protocol_factory`).
 * @example
 * ```ts
 * const factory: DatagramProtocolFactory<EchoServer> = () => new EchoServer()
 * ```
 */
export type DatagramProtocolFactory<
  TProtocol extends DatagramProtocolCallbacks = DatagramProtocolCallbacks,
> = () => TProtocol

/**
 * A datagram protocol with no-op callbacks, to extend. With `noImplicitOverride` each callback is
 * declared `override`, so a misspelt one does not compile.
 *
 * @example
 * ```ts
 * class EchoServer extends DatagramProtocol {
 *   override datagramReceived(data: Uint8Array, address: TransportAddress): void {
 *     this.transport?.sendto(data, address)
 *   }
 * }
 * ```
 */
export class DatagramProtocol implements DatagramProtocolCallbacks {
  /** The transport given to {@link DatagramProtocol.connectionMade}; `undefined` before it. */
  transport: DatagramTransport | undefined

  /** Keeps the transport in {@link DatagramProtocol.transport}. Call `super.connectionMade(t)` when overriding. */
  connectionMade(transport: DatagramTransport): void {
    this.transport = transport
  }

  /** Does nothing by default. */
  datagramReceived(_data: Uint8Array, _address: TransportAddress): void {
    // Datagrams are dropped unless a subclass takes them.
  }

  /** Does nothing by default. */
  errorReceived(_error: Error): void {
    // Errors are ignored unless a subclass takes them, as in asyncio.
  }

  /** Does nothing by default. */
  connectionLost(_error: Error | undefined): void {
    // Nothing to release by default.
  }

  /** Does nothing by default. */
  pauseWriting(): void {
    // Nothing to pause in a protocol that does not produce data.
  }

  /** Does nothing by default. */
  resumeWriting(): void {
    // Nothing to resume in a protocol that does not produce data.
  }
}
