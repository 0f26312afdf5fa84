import type { ProtocolFactory } from '@wirekit/protocol-core'
import type { StreamReader } from './stream-reader.ts'
import type { StreamReaderProtocol } from './stream-reader-protocol.ts'
import type { StreamWriter } from './stream-writer.ts'

/** asyncio's default buffer limit: 64 KiB. */
export const DEFAULT_LIMIT: number = 64 * 1024

/**
 * Checks a `limit` option.
 * @returns The limit, or {@link DEFAULT_LIMIT} when not given.
 * @throws RangeError unless it is a positive integer.
 */
export function resolveLimit(limit: unknown): number {
  if (limit === undefined) {
    return DEFAULT_LIMIT
  }
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit <= 0) {
    throw new RangeError(
      `option limit must be a positive integer, got ${typeof limit === 'number' ? String(limit) : typeof limit}`,
    )
  }
  return limit
}

/** Options of a {@link StreamReader}. */
export interface StreamReaderOptions {
  /**
   * The buffer limit in bytes: `readUntil()`/`readLine()` give up on a separator not found
   * within it, and reading is paused on the transport while more than twice this is buffered.
   * @default 65536
   */
  limit?: number
}

/** Options of the reads of a `StreamReader` (`read`, `readExactly`, `readUntil`, `readLine`). */
export interface ReadOptions {
  /**
   * Cancels the read: it rejects with an `AbortError` (`code: 'ABORT_ERR'`, the signal's
   * reason as `cause`), at once when the signal is already aborted. Nothing is consumed: the
   * bytes the read was waiting on stay buffered for the next read. Once the read has settled
   * the signal no longer matters.
   */
  signal?: AbortSignal
}

/** Options of `openConnection()`. */
export interface OpenConnectionOptions extends StreamReaderOptions {
  /**
   * Cancels opening the connection: `openConnection()` rejects with an `AbortError`
   * (`code: 'ABORT_ERR'`, the signal's reason as `cause`) and leaves nothing open: a connection
   * the connect function still makes is aborted as soon as it is made. Pass the same signal to
   * the transport's connect function too, so that the attempt itself stops at once. The signal
   * governs the opening only, as in Node: aborting it after `openConnection()` resolved does
   * nothing (close the writer, or use `await using`, to end the connection).
   */
  signal?: AbortSignal
}

/**
 * Called by `startServer()` for each connection, with that connection's streams. A handler that
 * throws or rejects has its error reported and its connection aborted; other connections go on.
 * When it resolves, the connection stays as the handler left it (as in asyncio): close the
 * writer to end it.
 */
export type ClientConnectedHandler = (
  reader: StreamReader,
  writer: StreamWriter,
) => void | Promise<void>

/** Options of `startServer()`. */
export interface StartServerOptions extends StreamReaderOptions {
  /**
   * Told of each error a connection handler throws or rejects with. The connection is aborted
   * whatever this does.
   * @default one line on standard error
   */
  onError?: (error: unknown) => void
}

/**
 * Connects with a transport: calls the transport's connect function with `protocolFactory` and
 * resolves once the connection is made (the factory's protocol has had `connectionMade`).
 * @example
 * ```ts
 * const connect: ConnectFunction = (factory) => createConnection(factory, { host: '127.0.0.1', port })
 * ```
 */
export type ConnectFunction = (protocolFactory: ProtocolFactory<StreamReaderProtocol>) => unknown

/**
 * Listens with a transport: calls the transport's server function with `protocolFactory` and
 * returns (or resolves to) the server it made.
 * @example
 * ```ts
 * const listen: ListenFunction<TCPServer> = (factory) => createServer(factory, { port: 0 })
 * ```
 */
export type ListenFunction<TServer> = (
  protocolFactory: ProtocolFactory<StreamReaderProtocol>,
) => TServer | PromiseLike<TServer>
