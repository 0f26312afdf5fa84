/**
 * The stream ended before a read was satisfied (asyncio's `IncompleteReadError`): thrown by
 * `readExactly()` and `readUntil()` at EOF. The bytes read so far are in {@link IncompleteReadError.partial}
 * and are no longer in the reader's buffer.
 * @example
 * ```ts
 * try {
 *   await reader.readExactly(4)
 * } catch (error) {
 *   if (error instanceof IncompleteReadError) console.log(error.partial.length, error.expected)
 * }
 * ```
 */
export class IncompleteReadError extends Error {
  static override readonly name = 'IncompleteReadError'
  /** A stable code to test against, in Node's style. */
  readonly code = 'ERR_INCOMPLETE_READ'
  /** The bytes read before EOF (possibly empty). */
  readonly partial: Uint8Array
  /** The number of bytes expected; `undefined` when reading up to a separator. */
  readonly expected: number | undefined

  /**
   * @param partial - The bytes read before EOF.
   * @param expected - The number of bytes expected, or `undefined` for a separator read.
   */
  constructor(partial: Uint8Array, expected: number | undefined) {
    const wanted = expected === undefined ? 'undefined' : `${expected}`
    super(`${partial.length} bytes read on a total of ${wanted} expected bytes`)
    this.name = 'IncompleteReadError'
    this.partial = partial
    this.expected = expected
  }
}

/**
 * The separator was not found within the reader's limit (asyncio's `LimitOverrunError`). After
 * `readUntil()` the bytes stay buffered; `readLine()` discards them before throwing.
 * @example
 * ```ts
 * try {
 *   await reader.readUntil('\n')
 * } catch (error) {
 *   if (error instanceof LimitOverrunError) await reader.readExactly(error.consumed)
 * }
 * ```
 */
export class LimitOverrunError extends Error {
  static override readonly name = 'LimitOverrunError'
  /** A stable code to test against, in Node's style. */
  readonly code = 'ERR_LIMIT_OVERRUN'
  /** How many buffered bytes were looked at (the bytes to consume to get past them). */
  readonly consumed: number

  /**
   * @param message - What was overrun.
   * @param consumed - How many buffered bytes were looked at.
   */
  constructor(message: string, consumed: number) {
    super(message)
    this.name = 'LimitOverrunError'
    this.consumed = consumed
  }
}

/**
 * The connection is gone: `drain()` after the connection was closed without an error (after an
 * error, `drain()` rejects with that error instead). asyncio raises `ConnectionResetError` here.
 */
export class ConnectionLostError extends Error {
  static override readonly name = 'ConnectionLostError'
  /** A stable code to test against, in Node's style. */
  readonly code = 'ERR_CONNECTION_LOST'

  constructor(message = 'the connection was lost') {
    super(message)
    this.name = 'ConnectionLostError'
  }
}

/**
 * An operation was cancelled through its `AbortSignal`: `openConnection()` and the reads of a
 * `StreamReader` reject with it, as Node's own APIs do (`events.once`, `stream/promises`,
 * `timers/promises`): the same `name` and `code` whatever the signal's reason, and that reason
 * (the `DOMException` Node makes when `abort()` got none) as its `cause`.
 * @example
 * ```ts
 * try {
 *   await reader.readLine({ signal: AbortSignal.timeout(1000) })
 * } catch (error) {
 *   if (error instanceof AbortError) console.log('no line within a second', error.cause)
 * }
 * ```
 */
export class AbortError extends Error {
  static override readonly name = 'AbortError'
  /** Node's code for an aborted operation. */
  readonly code = 'ABORT_ERR'

  /**
   * @param message - What was aborted.
   * @param options - `cause`: the signal's reason.
   */
  constructor(message = 'The operation was aborted', options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'AbortError'
  }
}
