import type { ProxyHeader } from './header.ts'

/**
 * Why a header is invalid; the connection must be dropped in every case.
 *
 * - `bad-signature`: the first bytes are neither `PROXY ` (v1) nor the v2 signature.
 * - `version-not-allowed`: a signature of a version left out of `versions`.
 * - `bad-version`: v2's version nibble is not 2.
 * - `bad-command`: v2's command nibble is neither LOCAL (0) nor PROXY (1).
 * - `bad-family`: v1's protocol is not `TCP4`, `TCP6` or `UNKNOWN`; v2's family and protocol byte
 *   is none of 0x00, 0x11, 0x12, 0x21, 0x22, 0x31, 0x32.
 * - `bad-address`: a v1 address is not in its family's syntax; v2's length is shorter than the
 *   family's address block.
 * - `bad-port`: a v1 port is not a decimal from 0 to 65535 without leading zeros.
 * - `bad-line`: v1 fields are not separated by exactly one space, or the line does not end in
 *   CRLF where it must (a lone CR or LF, a character outside printable US-ASCII).
 * - `too-long`: a v1 line without CRLF in its first 107 bytes, a v2 header longer than
 *   `maxHeaderSize` (either one past `maxHeaderSize`).
 * - `bad-tlv`: a v2 TLV runs past the header, a registered TLV is malformed (CRC32C not 4 bytes,
 *   more than one CRC32C, UNIQUE_ID over 128 bytes, SSL shorter than 5 bytes or with a malformed
 *   or repeated sub-TLV, a string that is not UTF-8).
 * - `crc-mismatch`: the CRC32C TLV does not match the header.
 */
export type ProxyHeaderInvalidReason =
  | 'bad-signature'
  | 'version-not-allowed'
  | 'bad-version'
  | 'bad-command'
  | 'bad-family'
  | 'bad-address'
  | 'bad-port'
  | 'bad-line'
  | 'too-long'
  | 'bad-tlv'
  | 'crc-mismatch'

/** The code every invalid header carries, in Node's style. */
export const PROXY_HEADER_INVALID = 'ERR_PROXY_HEADER_INVALID'

/** The header is not complete yet and nothing seen so far is invalid: push more bytes. */
export interface ProxyHeaderNeedMore {
  /** Always `'need-more'`. */
  readonly status: 'need-more'
}

/** A complete, valid header. */
export interface ProxyHeaderDone {
  /** Always `'done'`. */
  readonly status: 'done'
  /** The header. */
  readonly header: ProxyHeader
  /** The length of the header on the wire, in bytes. */
  readonly headerLength: number
  /**
   * How many bytes of the bytes just given belong to the header: `headerLength` for
   * {@link parseProxyHeader}; for a parser's `push(chunk)`, the header's part of that last chunk.
   */
  readonly consumed: number
  /**
   * What follows the header in the bytes just given: the protocol's first data. A view into them
   * (`subarray(consumed)`), not a copy; possibly empty.
   */
  readonly rest: Uint8Array
}

/** The bytes are not a valid header; the spec says to drop the connection. */
export interface ProxyHeaderInvalid {
  /** Always `'invalid'`. */
  readonly status: 'invalid'
  /** Always `'ERR_PROXY_HEADER_INVALID'`. */
  readonly code: typeof PROXY_HEADER_INVALID
  /** What is wrong, stable for tests and metrics. */
  readonly reason: ProxyHeaderInvalidReason
  /** A sentence for logs. */
  readonly message: string
}

/** What parsing the bytes seen so far gives. */
export type ProxyHeaderResult = ProxyHeaderNeedMore | ProxyHeaderDone | ProxyHeaderInvalid

/** The one `need-more` result, shared. */
export const NEED_MORE: ProxyHeaderNeedMore = Object.freeze({ status: 'need-more' })

/** An `invalid` result. */
export function invalid(reason: ProxyHeaderInvalidReason, message: string): ProxyHeaderInvalid {
  return { status: 'invalid', code: PROXY_HEADER_INVALID, reason, message }
}
