import type { ProxyProtocolVersion } from './header.ts'
import type { ResolvedParserOptions } from './options.ts'
import { invalid, NEED_MORE, type ProxyHeaderInvalid, type ProxyHeaderNeedMore } from './result.ts'

/** What starts a version 1 line: `PROXY` and its space. */
export const V1_SIGNATURE: Uint8Array = new TextEncoder().encode('PROXY ')
/** What starts a version 2 header (its NUL forbids reading it as a C string). */
export const V2_SIGNATURE: Uint8Array = Uint8Array.of(
  0x0d,
  0x0a,
  0x0d,
  0x0a,
  0x00,
  0x0d,
  0x0a,
  0x51,
  0x55,
  0x49,
  0x54,
  0x0a,
)

/** The index of the first byte where `bytes` and `signature` differ, or -1 if they agree. */
function mismatch(bytes: Uint8Array, signature: Uint8Array): number {
  const length = Math.min(bytes.length, signature.length)
  for (let i = 0; i < length; i++) {
    if (bytes[i] !== signature[i]) {
      return i
    }
  }
  return -1
}

/**
 * The version whose signature `bytes` start with; `need-more` while they are a prefix of an
 * accepted signature; `invalid` as soon as they cannot be (the two signatures differ in their
 * first byte, so that happens on the first wrong byte). The reason is decided by the bytes up to
 * the first wrong one, so that it never depends on how much was received.
 */
export function detectVersion(
  bytes: Uint8Array,
  options: ResolvedParserOptions,
): ProxyProtocolVersion | ProxyHeaderNeedMore | ProxyHeaderInvalid {
  const v1 = mismatch(bytes, V1_SIGNATURE)
  const v2 = mismatch(bytes, V2_SIGNATURE)
  if (options.v1 && v1 === -1) {
    return bytes.length >= V1_SIGNATURE.length ? 1 : NEED_MORE
  }
  if (options.v2 && v2 === -1) {
    return bytes.length >= V2_SIGNATURE.length ? 2 : NEED_MORE
  }
  // The first byte that no accepted signature allows, and the bytes up to it.
  const wrong = Math.max(options.v1 ? v1 : -1, options.v2 ? v2 : -1)
  const seen = bytes.subarray(0, wrong + 1)
  if (!options.v1 && mismatch(seen, V1_SIGNATURE) === -1) {
    return invalid(
      'version-not-allowed',
      'PROXY protocol version 1 header, but only version 2 is accepted',
    )
  }
  if (!options.v2 && mismatch(seen, V2_SIGNATURE) === -1) {
    return invalid(
      'version-not-allowed',
      'PROXY protocol version 2 header, but only version 1 is accepted',
    )
  }
  return invalid('bad-signature', 'not a PROXY protocol header: the signature does not match')
}
