import type { TransportAddress } from './transport.ts'

/**
 * A listening server (asyncio's `Server`): it accepts connections and makes a protocol for each.
 *
 * `close()` only stops listening; connections go on until they end or until `closeClients()` /
 * `abortClients()`. `waitClosed()` resolves when the server is closed and no connection remains.
 */
export interface Server extends AsyncDisposable {
  /** Every address the server listens on (one per resolved host address). Empty once closed. */
  addresses(): TransportAddress[]
  /** `true` while the server accepts connections. */
  isServing(): boolean
  /** Stops listening on every address; open connections are not touched. Idempotent. */
  close(): void
  /** Calls `close()` on every open connection's transport (a graceful close: buffers are flushed). */
  closeClients(): void
  /** Calls `abort()` on every open connection's transport (buffers are dropped). */
  abortClients(): void
  /** Resolves once the server is closed and every connection it accepted has been lost. */
  waitClosed(): Promise<void>
  /** Closes the server, closes its clients and waits for both (for `await using`). */
  [Symbol.asyncDispose](): Promise<void>
}
