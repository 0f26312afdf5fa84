import type { AnyProtocol } from './protocol.ts'
import type { WriteBufferLimits } from './flow-control.ts'

/** The brand every wirekit transport carries, read by {@link isTransport}. */
export const transportSymbol: unique symbol = Symbol.for('@wirekit/transport')

/**
 * An endpoint address, as Node's `socket.address()` gives it.
 * @see {@link https://nodejs.org/api/net.html#socketaddress | net.Socket.address()}
 */
export interface TransportAddress {
  /** The IP address, such as `'127.0.0.1'` or `'::1'`. */
  readonly address: string
  /** `'IPv4'` or `'IPv6'` for IP transports. */
  readonly family: string
  /** The port number. */
  readonly port: number
}

/**
 * The keys {@link BaseTransport.getExtraInfo} knows, and the type of each value. Transports extend
 * it with their own keys (transport-tcp types `socket` as a `net.Socket`).
 */
export interface ExtraInfo {
  /**
   * The remote address of the connection: an IP address and port, or for a Unix socket the path
   * (`''` for an unnamed peer), as asyncio gives `AF_UNIX` addresses. Transports narrow it.
   */
  peername: TransportAddress | string
  /** The local address of the connection (see `peername` for its forms). */
  sockname: TransportAddress | string
  /** The underlying socket object, when there is one. */
  socket: unknown
}

/** What every transport can do (asyncio's `BaseTransport`). */
export interface BaseTransport<TExtraInfo extends ExtraInfo = ExtraInfo> {
  /** The brand that {@link isTransport} checks. */
  readonly [transportSymbol]: true
  /**
   * Closes the transport: stops reading at once, flushes what is buffered, sends EOF, then calls
   * the protocol's `connectionLost(undefined)`. A second call does nothing.
   */
  close(): void
  /** `true` once the transport is closing or closed (after `close()`, `abort()` or a loss). */
  isClosing(): boolean
  /**
   * Returns optional information about the connection: `undefined` when there is none (the other
   * overloads take a default).
   * @param name - A known key: `peername`, `sockname` or `socket`.
   * @example
   * ```ts
   * const peer = transport.getExtraInfo('peername')
   * const tls = transport.getExtraInfo('sslcontext', null)
   * ```
   */
  getExtraInfo<TKey extends keyof TExtraInfo>(name: TKey): TExtraInfo[TKey] | undefined
  /**
   * Returns optional information about the connection, or `defaultValue` when there is none.
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
   * Hands the connection to another protocol: later callbacks go to it. `connectionMade` is not
   * called on it again.
   */
  setProtocol(protocol: AnyProtocol): void
  /** The protocol the transport currently calls. */
  getProtocol(): AnyProtocol
}

/** The receiving side of a transport (asyncio's `ReadTransport`). */
export interface ReadTransport<
  TExtraInfo extends ExtraInfo = ExtraInfo,
> extends BaseTransport<TExtraInfo> {
  /** `true` while the transport delivers received data (until `pauseReading()` or closing). */
  isReading(): boolean
  /**
   * Stops delivering data at once: no `dataReceived` is called after this returns, until
   * `resumeReading()`. The peer is slowed down by TCP flow control. Idempotent.
   */
  pauseReading(): void
  /**
   * Delivers data again after `pauseReading()`: what arrived meanwhile first, in order, after
   * this call has returned (never from inside it). Idempotent.
   */
  resumeReading(): void
}

/** The sending side of a transport (asyncio's `WriteTransport`). */
export interface WriteTransport<
  TExtraInfo extends ExtraInfo = ExtraInfo,
> extends BaseTransport<TExtraInfo> {
  /**
   * Sends bytes, buffering what cannot be sent at once. Never blocks; watch the protocol's
   * `pauseWriting`/`resumeWriting` to bound the buffer.
   *
   * The bytes are taken at the time of the call: changing `data` afterwards does not change what
   * is sent. An empty write does nothing. After `close()`, `abort()` or a loss the bytes are
   * dropped without an error (a warning is reported once writes keep coming).
   *
   * @throws TypeError when `data` is not a `Uint8Array`.
   * @throws {@link WriteAfterEofError} after `writeEof()`.
   */
  write(data: Uint8Array): void
  /** Writes each chunk in order, exactly as the same `write()` calls would. */
  writeLines(chunks: Iterable<Uint8Array>): void
  /**
   * Sends EOF (a TCP FIN) once what is buffered has been sent; the transport can still receive.
   * A second call does nothing.
   */
  writeEof(): void
  /** `true` when the transport supports {@link WriteTransport.writeEof}. */
  canWriteEof(): boolean
  /**
   * Closes at once: drops what is buffered, closes the connection, then calls the protocol's
   * `connectionLost(undefined)`. Idempotent; after `close()` it drops what `close()` was still
   * flushing.
   */
  abort(): void
  /** The number of bytes accepted by `write()` and not yet handed to the operating system. */
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
 * A bidirectional stream transport (asyncio's `Transport`), as a protocol's `connectionMade`
 * receives it.
 */
export interface Transport<TExtraInfo extends ExtraInfo = ExtraInfo>
  extends ReadTransport<TExtraInfo>, WriteTransport<TExtraInfo> {}

/**
 * Tells whether a value is a wirekit transport, by its `Symbol.for` brand, so that it works
 * across copies of this package.
 * @example
 * ```ts
 * if (isTransport(value)) value.close()
 * ```
 */
export function isTransport(value: unknown): value is Transport {
  return (
    typeof value === 'object' &&
    value != null &&
    (value as Partial<Record<typeof transportSymbol, unknown>>)[transportSymbol] === true
  )
}
