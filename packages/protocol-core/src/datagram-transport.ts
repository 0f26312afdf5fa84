import type { DatagramProtocolCallbacks } from './datagram-protocol.ts'
import type { WriteBufferLimits } from './flow-control.ts'
import type { ExtraInfo, TransportAddress } from './transport.ts'

/** The brand every wirekit datagram transport carries, read by {@link isDatagramTransport}. */
export const datagramTransportSymbol: unique symbol = Symbol.for('@wirekit/datagram-transport')

/**
 * Where a datagram goes: an IP address (or a host name, resolved for each datagram) and a port.
 * A `TransportAddress`, as `datagramReceived` and `getExtraInfo('peername')` give it, is one.
 */
export interface DatagramAddress {
  /** The IP address, such as `'127.0.0.1'` or `'::1'`, or a host name. */
  readonly address: string
  /** The port, from 1 to 65535. */
  readonly port: number
}

/** The keys a datagram transport's `getExtraInfo` knows: its addresses are always IP endpoints. */
export interface DatagramExtraInfo extends ExtraInfo {
  /** The connected peer's address (a connected endpoint only). */
  peername: TransportAddress
  /** The local address the endpoint is bound to. */
  sockname: TransportAddress
}

/**
 * A datagram transport (asyncio's `DatagramTransport`), as a datagram protocol's
 * `connectionMade` receives it: each `sendto()` is one datagram, and each datagram received is
 * one `datagramReceived`.
 *
 * A connected transport (made with a remote address) sends only to its peer and receives only
 * from it; `getExtraInfo('peername')` gives the peer. An unconnected one sends wherever each
 * `sendto()` says and receives from anyone.
 */
export interface DatagramTransport<TExtraInfo extends DatagramExtraInfo = DatagramExtraInfo> {
  /** The brand that {@link isDatagramTransport} checks. */
  readonly [datagramTransportSymbol]: true
  /**
   * Sends one datagram. Never blocks: the datagram is queued (see
   * {@link DatagramTransport.getWriteBufferSize}) until it has been handed to the system; watch
   * the protocol's `pauseWriting`/`resumeWriting` to bound the queue.
   *
   * The bytes are taken at the time of the call: changing `data` afterwards does not change what
   * is sent. An empty `data` sends an empty datagram. After `close()` or `abort()` the datagram is
   * dropped without an error (a warning is reported once sends keep coming). A failure to send
   * (`EMSGSIZE` for a datagram too large, `ECONNREFUSED` after an ICMP port unreachable, ...)
   * never throws: it reaches the protocol's `errorReceived`, later, and the transport stays open.
   *
   * @param data - The datagram's bytes.
   * @param address - Where to send it: required unless the transport is connected; when it is,
   *   omit it or give the peer's address exactly as `getExtraInfo('peername')` gives it.
   * @throws TypeError when `data` is not a `Uint8Array` or `address` is malformed.
   * @throws RangeError when `address.port` is not an integer from 1 to 65535.
   * @throws {@link DatagramAddressError} with code `ERR_DATAGRAM_ADDRESS_REQUIRED` or
   *   `ERR_DATAGRAM_ADDRESS_MISMATCH` when the address breaks the rules above (asyncio's
   *   `ValueError`). Nothing is sent then.
   */
  sendto(data: Uint8Array, address?: DatagramAddress): void
  /**
   * Closes the transport: stops receiving at once, sends what is queued, then closes the socket
   * and calls the protocol's `connectionLost(undefined)`. A second call does nothing.
   */
  close(): void
  /**
   * Closes at once: drops what is queued, closes the socket, then calls the protocol's
   * `connectionLost(undefined)`. Idempotent; after `close()` it drops what `close()` was still
   * sending.
   */
  abort(): void
  /** `true` once the transport is closing or closed (after `close()` or `abort()`). */
  isClosing(): boolean
  /**
   * Returns optional information about the endpoint: `undefined` when there is none (the other
   * overloads take a default). `peername` is `undefined` for an unconnected transport.
   * @param name - A known key: `peername`, `sockname` or `socket`.
   * @example
   * ```ts
   * const local = transport.getExtraInfo('sockname')
   * ```
   */
  getExtraInfo<TKey extends keyof TExtraInfo>(name: TKey): TExtraInfo[TKey] | undefined
  /**
   * Returns optional information about the endpoint, or `defaultValue` when there is none.
   * @param name - A known key (`peername`, `sockname`, `socket`).
   * @param defaultValue - What to return when the transport has no such information.
   */
  getExtraInfo<TKey extends keyof TExtraInfo, TDefault>(
    name: TKey,
    defaultValue: TDefault,
  ): TExtraInfo[TKey] | TDefault
  /**
   * Returns information under a key this transport may not know, or `defaultValue`.
   * @param name - Any key, such as a transport-specific one.
   * @param defaultValue - What to return when the transport has no such information.
   */
  getExtraInfo(name: string, defaultValue?: unknown): unknown
  /**
   * Hands the endpoint to another protocol: later callbacks go to it. `connectionMade` is not
   * called on it again.
   */
  setProtocol(protocol: DatagramProtocolCallbacks): void
  /** The protocol the transport currently calls. */
  getProtocol(): DatagramProtocolCallbacks
  /**
   * The bytes queued by `sendto()` and not yet handed to the system, counting 8 bytes of header
   * per datagram (as asyncio does) so that empty datagrams count too.
   */
  getWriteBufferSize(): number
  /** The current water marks. */
  getWriteBufferLimits(): WriteBufferLimits
  /**
   * Sets the water marks that drive `pauseWriting`/`resumeWriting`.
   * Defaults: high 64 KiB, low = high / 4; given only `low`, high = 4 × low.
   * @throws RangeError unless high ≥ low ≥ 0.
   */
  setWriteBufferLimits(limits?: Partial<WriteBufferLimits>): void
}

/**
 * Tells whether a value is a wirekit datagram transport, by its `Symbol.for` brand, so that it
 * works across copies of this package. A stream transport is not one (see `isTransport`).
 * @example
 * ```ts
 * if (isDatagramTransport(value)) value.close()
 * ```
 */
export function isDatagramTransport(value: unknown): value is DatagramTransport {
  return (
    typeof value === 'object' &&
    value != null &&
    (value as Partial<Record<typeof datagramTransportSymbol, unknown>>)[datagramTransportSymbol] ===
      true
  )
}
