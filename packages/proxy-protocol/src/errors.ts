import {
  PROXY_HEADER_INVALID,
  type ProxyHeaderInvalid,
  type ProxyHeaderInvalidReason,
} from './result.ts'

/**
 * An invalid PROXY header as an `Error`, for reporting or rejecting with: made from an `invalid`
 * result, it keeps its `code` and `reason`.
 * @example
 * ```ts
 * const result = parser.push(chunk)
 * if (result.status === 'invalid') socket.destroy(new ProxyHeaderError(result))
 * ```
 */
export class ProxyHeaderError extends Error {
  static override readonly name = 'ProxyHeaderError'
  /** Always `'ERR_PROXY_HEADER_INVALID'`. */
  readonly code: typeof PROXY_HEADER_INVALID = PROXY_HEADER_INVALID
  /** What is wrong with the header. */
  readonly reason: ProxyHeaderInvalidReason

  /**
   * @param result - The `invalid` result of a parse.
   * @param options - `cause`, as for any `Error`.
   */
  constructor(result: Pick<ProxyHeaderInvalid, 'reason' | 'message'>, options?: ErrorOptions) {
    super(result.message, options)
    this.name = 'ProxyHeaderError'
    this.reason = result.reason
  }
}

/**
 * `push()` was called on a parser that already returned `done` or `invalid`: the bytes after a
 * header belong to the protocol, and nothing follows an invalid header.
 */
export class ProxyHeaderParserFinishedError extends Error {
  static override readonly name = 'ProxyHeaderParserFinishedError'
  /** Always `'ERR_PROXY_PARSER_FINISHED'`. */
  readonly code = 'ERR_PROXY_PARSER_FINISHED'

  constructor() {
    super('the PROXY header parser has finished: push() after done or invalid')
    this.name = 'ProxyHeaderParserFinishedError'
  }
}
