import {
  resolveParserOptions,
  type ProxyHeaderParserOptions,
  type ResolvedParserOptions,
} from './options.ts'
import { parseV1 } from './parse-v1.ts'
import { parseV2 } from './parse-v2.ts'
import type { ProxyHeaderResult } from './result.ts'
import { detectVersion } from './signature.ts'

/** {@link parseProxyHeader} with its options already checked. */
export function parseWithOptions(
  bytes: Uint8Array,
  options: ResolvedParserOptions,
): ProxyHeaderResult {
  const version = detectVersion(bytes, options)
  if (version === 1) {
    return parseV1(bytes, options)
  }
  if (version === 2) {
    return parseV2(bytes, options)
  }
  return version
}

/**
 * Parses a PROXY protocol header (version 1 or 2) at the start of `bytes`, everything received so
 * far on the connection: `need-more` while it is incomplete, `done` with the header, its length
 * and the bytes after it (`rest`, a view), or `invalid` with a `reason` as soon as the bytes cannot
 * start a valid header (the first byte already, if it is neither `P` nor CR).
 *
 * Pure and stateless; to feed chunks as they arrive without gathering them yourself, use
 * {@link createProxyHeaderParser}. The result only ever depends on the bytes, never on how they
 * were split. Never throws for any input; throws `TypeError`/`RangeError` for bad options.
 * @param bytes - The connection's first bytes.
 * @param options - Accepted versions and the maximum header size.
 * @example
 * ```ts
 * const result = parseProxyHeader(received)
 * if (result.status === 'done') console.log(result.header.source, result.rest.length)
 * ```
 */
export function parseProxyHeader(
  bytes: Uint8Array,
  options?: ProxyHeaderParserOptions,
): ProxyHeaderResult {
  return parseWithOptions(bytes, resolveParserOptions(options))
}
