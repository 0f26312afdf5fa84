import type { ProxyProtocolVersion } from './header.ts'

/** The longest version 1 line, CRLF included (spec section 2.1). */
export const MAX_V1_LENGTH = 107
/** The fixed part of a version 2 header: signature, version and command, family, length. */
export const V2_FIXED_LENGTH = 16
/** The longest version 2 header the length field can announce. */
export const MAX_V2_LENGTH: number = V2_FIXED_LENGTH + 0xffff

/**
 * Options of {@link parseProxyHeader} and {@link createProxyHeaderParser}.
 * @example
 * ```ts
 * const parser = createProxyHeaderParser({ versions: [2], maxHeaderSize: 1024 })
 * ```
 */
export interface ProxyHeaderParserOptions {
  /**
   * The versions accepted; a header of another version is `invalid` (`version-not-allowed`) from
   * its first byte. There is never a fallback to "no header": the spec forbids guessing.
   * @default [1, 2]
   */
  readonly versions?: readonly ProxyProtocolVersion[]
  /**
   * The most bytes a header may take; the parser never looks further. Version 2 headers with
   * TLVs are bounded by it (an integer from 16 to 65551); version 1 lines by 107 bytes, the
   * spec's maximum, or by this if smaller.
   * @default 4096
   */
  readonly maxHeaderSize?: number
}

/** Options checked and defaulted. */
export interface ResolvedParserOptions {
  readonly v1: boolean
  readonly v2: boolean
  readonly maxHeaderSize: number
}

/** Checks the options, throwing a `TypeError` or `RangeError` that names the one at fault. */
export function resolveParserOptions(
  options: ProxyHeaderParserOptions = {},
): ResolvedParserOptions {
  const { versions = [1, 2], maxHeaderSize = 4096 } = options as Record<string, unknown>
  if (!Array.isArray(versions)) {
    throw new TypeError(`option versions must be an array of 1 and/or 2, got ${String(versions)}`)
  }
  if (versions.length === 0 || versions.some((v) => v !== 1 && v !== 2)) {
    throw new RangeError(
      `option versions must hold 1 and/or 2, got [${versions.map(String).join(', ')}]`,
    )
  }
  if (typeof maxHeaderSize !== 'number') {
    throw new TypeError(`option maxHeaderSize must be a number, got ${typeof maxHeaderSize}`)
  }
  if (
    !Number.isInteger(maxHeaderSize) ||
    maxHeaderSize < V2_FIXED_LENGTH ||
    maxHeaderSize > MAX_V2_LENGTH
  ) {
    throw new RangeError(
      `option maxHeaderSize must be an integer from ${V2_FIXED_LENGTH} to ${MAX_V2_LENGTH}, got ${maxHeaderSize}`,
    )
  }
  return { v1: versions.includes(1), v2: versions.includes(2), maxHeaderSize }
}
