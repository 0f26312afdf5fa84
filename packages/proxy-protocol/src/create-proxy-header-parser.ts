import { ProxyHeaderParserFinishedError } from './errors.ts'
import { resolveParserOptions, type ProxyHeaderParserOptions } from './options.ts'
import { parseWithOptions } from './parse-proxy-header.ts'
import type { ProxyHeaderResult } from './result.ts'

/** Room for a version 1 line or a version 2 header without TLVs, at first. */
const INITIAL_CAPACITY = 128

/** Nothing gathered: shared, since every parser starts and ends with it (a new ArrayBuffer is not free). */
const NOTHING = new Uint8Array(0)

/**
 * Parses a PROXY header from chunks as they arrive; made by {@link createProxyHeaderParser}.
 */
export interface ProxyHeaderParser {
  /**
   * Takes the next chunk of the connection.
   *
   * - `need-more`: the whole chunk belongs to the (incomplete) header; push the next one.
   * - `done`: the header is complete. `consumed` bytes of this chunk were its end; `rest`
   *   (`chunk.subarray(consumed)`, not a copy) is the protocol's first data.
   * - `invalid`: drop the connection; `reason` and `message` say why.
   *
   * The parser keeps no reference to a chunk after returning, so the caller may reuse its
   * buffers. A chunk holding a whole header is parsed in place; only a header split over
   * chunks is gathered (never more than `maxHeaderSize` bytes). Throws
   * {@link ProxyHeaderParserFinishedError} once it has returned `done` or `invalid`.
   * @param chunk - The bytes just received.
   */
  push(chunk: Uint8Array): ProxyHeaderResult
  /** The bytes gathered so far from earlier chunks (0 until a header is split over chunks). */
  readonly buffered: number
  /** Whether `push` returned `done` or `invalid`. */
  readonly finished: boolean
}

/**
 * A parser for a PROXY protocol header (version 1 or 2) that takes the connection's bytes in
 * chunks of any size, down to one byte, and decides as early as possible: a first byte other
 * than `P` or CR is `invalid` at once. There is no "no header" outcome: the spec forbids guessing.
 *
 * Typical use on a server: push each chunk until the result is not `need-more`; on `done`, start
 * the protocol with `header.source` as the peer and pass it `rest` if not empty; on `invalid`,
 * abort the connection.
 * @param options - Accepted versions and the maximum header size (checked now: `TypeError` or
 *   `RangeError`).
 * @example
 * ```ts
 * const parser = createProxyHeaderParser({ versions: [1, 2] })
 * socket.on('data', (chunk: Uint8Array) => {
 *   const result = parser.push(chunk)
 *   if (result.status === 'invalid') socket.destroy()
 *   if (result.status === 'done') start(result.header, result.rest)
 * })
 * ```
 */
export function createProxyHeaderParser(options?: ProxyHeaderParserOptions): ProxyHeaderParser {
  const resolved = resolveParserOptions(options)
  let gathered = NOTHING
  let length = 0
  let finished = false

  function gather(bytes: Uint8Array): void {
    const needed = length + bytes.length
    if (needed > gathered.length) {
      const capacity = Math.min(
        resolved.maxHeaderSize,
        Math.max(needed, INITIAL_CAPACITY, 2 * gathered.length),
      )
      const grown = new Uint8Array(capacity)
      grown.set(gathered.subarray(0, length))
      gathered = grown
    }
    gathered.set(bytes, length)
    length = needed
  }

  function settle(result: ProxyHeaderResult): ProxyHeaderResult {
    if (result.status !== 'need-more') {
      finished = true
      gathered = NOTHING
      length = 0
    }
    return result
  }

  return {
    push(chunk: Uint8Array): ProxyHeaderResult {
      if (finished) {
        throw new ProxyHeaderParserFinishedError()
      }
      if (length === 0) {
        const result = parseWithOptions(chunk, resolved)
        if (result.status === 'need-more') {
          gather(chunk)
        }
        return settle(result)
      }
      // No header is longer than maxHeaderSize: what lies past it is never looked at.
      const before = length
      gather(chunk.subarray(0, Math.min(chunk.length, resolved.maxHeaderSize - before)))
      const result = parseWithOptions(gathered.subarray(0, length), resolved)
      if (result.status !== 'done') {
        return settle(result)
      }
      const consumed = result.headerLength - before
      return settle({ ...result, consumed, rest: chunk.subarray(consumed) })
    },
    get buffered() {
      return length
    },
    get finished() {
      return finished
    },
  }
}
