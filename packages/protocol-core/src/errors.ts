/**
 * Thrown by `write()` and `writeLines()` after `writeEof()`: the write side is already closed.
 * @example
 * ```ts
 * try { transport.write(data) } catch (e) { if (e instanceof WriteAfterEofError) { ... } }
 * ```
 */
export class WriteAfterEofError extends Error {
  static override readonly name = 'WriteAfterEofError'
  /** A stable code to test against, in Node's style. */
  readonly code = 'ERR_WRITE_AFTER_EOF'

  constructor(message = 'cannot write after writeEof()') {
    super(message)
    this.name = 'WriteAfterEofError'
  }
}

/** The name of a protocol callback, as {@link ProtocolCallbackError.callback} reports it. */
export type ProtocolCallbackName =
  | 'connectionMade'
  | 'dataReceived'
  | 'eofReceived'
  | 'connectionLost'
  | 'pauseWriting'
  | 'resumeWriting'
  | 'getBuffer'
  | 'bufferUpdated'
  | 'drainRequested'
  | 'datagramReceived'
  | 'errorReceived'

/**
 * A protocol callback threw. The transport reports this error once to its error handler, aborts
 * the connection and passes it to `connectionLost` (except for `pauseWriting`/`resumeWriting`,
 * which are reported only, and `connectionLost` itself). The thrown value is its `cause`.
 */
export class ProtocolCallbackError extends Error {
  static override readonly name = 'ProtocolCallbackError'
  /** A stable code to test against, in Node's style. */
  readonly code = 'ERR_PROTOCOL_CALLBACK'
  /** The callback that threw. */
  readonly callback: ProtocolCallbackName
  /** Who the connection was with (such as `127.0.0.1 port 52100`), when known. */
  readonly peer: string | undefined

  constructor(callback: ProtocolCallbackName, peer: string | undefined, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    super(`${callback}() threw${peer === undefined ? '' : ` (peer ${peer})`}: ${reason}`, {
      cause,
    })
    this.name = 'ProtocolCallbackError'
    this.callback = callback
    this.peer = peer
  }
}

/** What a transport was doing when a network operation failed. */
export type NetworkOperation = 'connect' | 'listen'

/**
 * Connecting or listening failed. Keeps the system error's `code` (`ECONNREFUSED`, `ENOTFOUND`,
 * `ETIMEDOUT`, `EADDRINUSE`, ...), names the host and port, and chains the original as `cause`.
 */
export class NetworkError extends Error {
  static override readonly name = 'NetworkError'
  /** The system error code, such as `ECONNREFUSED`; `undefined` when there was none. */
  readonly code: string | undefined
  /** What failed: connecting or listening. */
  readonly operation: NetworkOperation
  /** The host as given by the caller. */
  readonly host: string
  /** The port as given by the caller. */
  readonly port: number

  constructor(
    operation: NetworkOperation,
    host: string,
    port: number,
    code: string | undefined,
    reason: string,
    options?: { cause?: unknown },
  ) {
    const verb = operation === 'connect' ? 'connect to' : 'listen on'
    const suffix = code === undefined ? '' : ` (${code})`
    super(`cannot ${verb} ${host} port ${port}: ${reason}${suffix}`, options)
    this.name = 'NetworkError'
    this.code = code
    this.operation = operation
    this.host = host
    this.port = port
  }
}

/**
 * A connection saw no data in either direction for its idle timeout and was aborted; the
 * protocol's `connectionLost` receives this error.
 */
export class IdleTimeoutError extends Error {
  static override readonly name = 'IdleTimeoutError'
  /** A stable code to test against, in Node's style. */
  readonly code = 'ERR_IDLE_TIMEOUT'
  /** The idle timeout that expired, in milliseconds. */
  readonly timeout: number

  constructor(timeout: number) {
    super(`no data in either direction for ${timeout} ms`)
    this.name = 'IdleTimeoutError'
    this.timeout = timeout
  }
}

/**
 * An option this runtime cannot honour, such as `reusePort` before Node.js 22.12: refused rather
 * than ignored, as asyncio refuses `reuse_port` where the platform lacks it.
 */
export class UnsupportedOptionError extends Error {
  static override readonly name = 'UnsupportedOptionError'
  /** A stable code to test against, in Node's style. */
  readonly code = 'ERR_UNSUPPORTED_OPTION'
  /** The option refused. */
  readonly option: string

  constructor(option: string, reason: string) {
    super(`option ${option} is not supported: ${reason}`)
    this.name = 'UnsupportedOptionError'
    this.option = option
  }
}
