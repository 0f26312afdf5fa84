/** Helpers for example tests: parsing text, and finding the byte where the parser decides. */
import {
  parseProxyHeader,
  type ProxyHeaderParserOptions,
  type ProxyHeaderResult,
} from '../src/index.ts'

/** Bytes from a string where each UTF-16 unit below 256 is one byte (`\r`, `\n`, `\0` as is). */
export function bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff)
}

/** Parses a latin-1 string. */
export function parse(
  text: string | Uint8Array,
  options?: ProxyHeaderParserOptions,
): ProxyHeaderResult {
  return parseProxyHeader(typeof text === 'string' ? bytes(text) : text, options)
}

/**
 * How many bytes the parser needed to decide (the shortest prefix whose result is not
 * `need-more`), or `undefined` if it never did; with that result.
 */
export function decidedAt(
  input: string | Uint8Array,
  options?: ProxyHeaderParserOptions,
): { at: number | undefined; result: ProxyHeaderResult } {
  const all = typeof input === 'string' ? bytes(input) : input
  for (let length = 0; length <= all.length; length++) {
    const result = parseProxyHeader(all.subarray(0, length), options)
    if (result.status !== 'need-more') {
      return { at: length, result }
    }
  }
  return { at: undefined, result: { status: 'need-more' } }
}

/** The `reason` of an invalid result, or its status otherwise. */
export function reasonOf(result: ProxyHeaderResult): string {
  return result.status === 'invalid' ? result.reason : result.status
}
