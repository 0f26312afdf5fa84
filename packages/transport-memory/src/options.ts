import type { WriteBufferLimits } from '@wirekit/protocol-core'

/** Which end of a memory pair: the one made by the client factory or by the server factory. */
export type MemorySide = 'client' | 'server'

/** Splits the byte stream at seeded random boundaries, as a network may. */
export interface RechunkOptions {
  /** The seed: the same seed gives the same boundaries on every run. */
  readonly seed: number
  /**
   * The largest chunk delivered; each chunk has a random size from 1 to this (or less when fewer
   * bytes are waiting). Chunks may span several writes.
   * @default 16
   */
  readonly maxChunkSize?: number
}

/** Ends the stream towards one side early, as a truncating proxy would. */
export interface EarlyEofOptions {
  /** The side that receives the early EOF. */
  readonly to: MemorySide
  /**
   * How many bytes that side receives before the EOF; the rest, and everything written to it
   * later, is dropped without a trace for the writer.
   */
  readonly afterBytes: number
}

/**
 * Options of one transport of a memory pair. Given at the top level of
 * {@link MemoryPairOptions} they apply to both ends; under `client` or `server`, to that end only
 * (taking precedence).
 */
export interface MemoryEndOptions {
  /** The write-buffer water marks the transport starts with (see `setWriteBufferLimits`). */
  writeBufferLimits?: Partial<WriteBufferLimits>
  /**
   * Told of every error a protocol callback throws (a `ProtocolCallbackError` naming the callback
   * and the peer). The connection is aborted whatever this does.
   * @default one line on standard error
   */
  onError?: (error: Error) => void
  /**
   * Told of misuse that does no harm, such as writes that keep coming after a close.
   * @default `process.emitWarning`
   */
  onWarning?: (message: string) => void
}

/** Options of {@link createMemoryPair}. */
export interface MemoryPairOptions extends MemoryEndOptions {
  /**
   * Delivers on `setImmediate` whenever there is something to deliver, instead of waiting for
   * `pair.step()` / `pair.flush()`. The order of deliveries is the same either way.
   * @default false
   */
  autoPump?: boolean
  /** Options of the client's transport only. */
  client?: MemoryEndOptions
  /** Options of the server's transport only. */
  server?: MemoryEndOptions
  /** Fault injection: re-chunk the stream at seeded random boundaries (down to 1 byte). */
  rechunk?: RechunkOptions
  /**
   * Fault injection, a slow reader: each step delivers at most this many bytes per direction, so
   * the writer's buffer fills and `pauseWriting` fires.
   * @default Infinity
   */
  maxBytesPerStep?: number
  /**
   * Fault injection: once this many bytes have been delivered (both directions together) the
   * connection is reset; both protocols get `connectionLost` with an error whose `code` is
   * `'ECONNRESET'`.
   */
  resetAfterBytes?: number
  /** Fault injection: an early EOF towards one side. */
  earlyEof?: EarlyEofOptions
}
