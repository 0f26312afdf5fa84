/**
 * Rules of the transport contract that every transport applies the same way: what `write()`
 * accepts, what a buffered protocol's `getBuffer()` must return, which callback errors end a
 * connection, and when dropped writes are worth a warning. Transports call these; protocols
 * never need them.
 */
import { ProtocolCallbackError, type ProtocolCallbackName } from './errors.ts'

/** Names what a JavaScript caller passed instead of bytes, for error messages. */
function describeValue(value: unknown): string {
  if (value == null) {
    return String(value)
  }
  if (typeof value === 'object') {
    return (value as { constructor?: { name?: string } }).constructor?.name ?? 'object'
  }
  return typeof value
}

/**
 * Refuses anything but a `Uint8Array` (callers in plain JavaScript can pass anything) before a
 * transport buffers it.
 * @param method - The transport method, for the message: `write` or `writeLines`.
 * @throws TypeError naming the method and what was passed.
 * @example
 * ```ts
 * checkWriteData('write', data) // TypeError: write() takes a Uint8Array, got string
 * ```
 */
export function checkWriteData(method: string, value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`${method}() takes a Uint8Array, got ${describeValue(value)}`)
  }
}

/**
 * Checks what a buffered protocol's `getBuffer()` returned.
 * @throws TypeError unless it is a non-empty `Uint8Array` (the transport then reports the
 *   `getBuffer` callback as failed).
 */
export function checkProtocolBuffer(buffer: unknown): Uint8Array {
  if (!(buffer instanceof Uint8Array) || buffer.length === 0) {
    throw new TypeError('getBuffer() must return a non-empty Uint8Array')
  }
  return buffer
}

/**
 * Reports an error a protocol callback threw, once, as a {@link ProtocolCallbackError}, and says
 * what the transport does next: every callback's error ends the connection (abort, then
 * `connectionLost(error)`) except those of `pauseWriting`, `resumeWriting` (reported only) and
 * `connectionLost` (the connection has ended already). An `onError` that throws is ignored: it
 * must not take the transport down with it.
 * @returns The error to abort the connection with, or `undefined` when it carries on.
 * @example
 * ```ts
 * const fatal = reportCallbackError('dataReceived', peer, thrown, onError)
 * if (fatal !== undefined) { this.#error ??= fatal; this.abort() }
 * ```
 */
export function reportCallbackError(
  callback: ProtocolCallbackName,
  peer: string | undefined,
  thrown: unknown,
  onError: (error: Error) => void,
): ProtocolCallbackError | undefined {
  const error = new ProtocolCallbackError(callback, peer, thrown)
  try {
    onError(error)
  } catch {
    // Ignored on purpose, see above.
  }
  const fatal =
    callback !== 'pauseWriting' && callback !== 'resumeWriting' && callback !== 'connectionLost'
  return fatal ? error : undefined
}

/** asyncio warns about writes after a connection ended from the fifth one; so do transports, once. */
export const DROPPED_WRITES_BEFORE_WARNING = 5

/**
 * The warning for writes dropped after a close, abort or loss, or `undefined` when the count
 * does not call for one: a transport counts its dropped writes and warns exactly once.
 * @param dropped - How many writes have been dropped so far, this one included.
 * @param peer - Who the connection was with, when known.
 */
export function droppedWritesWarning(
  dropped: number,
  peer: string | undefined,
): string | undefined {
  if (dropped !== DROPPED_WRITES_BEFORE_WARNING) {
    return undefined
  }
  return (
    `write() called ${DROPPED_WRITES_BEFORE_WARNING} times after the connection` +
    `${peer === undefined ? '' : ` with ${peer}`} was closed; the data is dropped`
  )
}

/** The Node.js version running, where there is one (this package imports nothing from Node). */
function runtimeNodeVersion(): string | undefined {
  return (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node
}

/**
 * `true` on the Node.js lines whose `net` and `dgram` take `reusePort` (`SO_REUSEPORT`): 22.12 and
 * 23.1 onwards. Before them Node ignores the option silently, and a second bind fails with
 * `EADDRINUSE`: transports refuse it instead, with an {@link UnsupportedOptionError}.
 * @param version - The Node.js version to judge (default: the one running).
 * @example
 * ```ts
 * reusePortSupported('20.19.0') // false
 * reusePortSupported('22.12.0') // true
 * ```
 */
export function reusePortSupported(version: string | undefined = runtimeNodeVersion()): boolean {
  if (version === undefined) {
    return false
  }
  const [major = 0, minor = 0] = version.split('.').map(Number)
  return major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12)
}
