import { layoutOf } from './address-block.ts'
import { crc32c } from './crc32c.ts'
import { encodeEndpoints, type ProxyHeaderInit } from './header-init.ts'
import { encodeTLVs } from './encode-tlvs.ts'
import { V2_FIXED_LENGTH } from './options.ts'
import { V2_SIGNATURE } from './signature.ts'

/**
 * Encodes a version 2 (binary) header: PROXY or LOCAL, TCP or UDP over IPv4 or IPv6, Unix stream
 * or datagram, or no addresses (`AF_UNSPEC`), followed by `tlvs` in order. A `{ type: 'crc32c' }`
 * entry is filled in with the CRC32c of the whole header, computed last.
 *
 * Throws `TypeError`/`RangeError` naming what is wrong: a bad address or port, one end without
 * the other, addresses on a LOCAL header, a TLV too long or a registered type given as unknown,
 * a header over 65551 bytes.
 * @param header - What to encode; a parsed header gives itself back.
 * @returns A new array, to send before anything else on the connection.
 * @example
 * ```ts
 * const header = encodeProxyHeaderV2({
 *   source: { family: 'IPv6', address: '2001:db8::1', port: 56324 },
 *   destination: { family: 'IPv6', address: '2001:db8::2', port: 443 },
 *   tlvs: [{ type: 'authority', value: 'example.com' }, { type: 'crc32c' }],
 * })
 * ```
 */
export function encodeProxyHeaderV2(header: ProxyHeaderInit): Uint8Array {
  const command: unknown = header.command ?? 'proxy'
  if (command !== 'proxy' && command !== 'local') {
    throw new RangeError(`command must be 'proxy' or 'local', got ${String(command)}`)
  }
  const endpoints = encodeEndpoints(header)
  if (command === 'local' && endpoints != null) {
    throw new RangeError('a LOCAL header carries no addresses: the real endpoints apply')
  }
  const family = endpoints?.[0].family ?? 'unspec'
  const transport = header.transport ?? (endpoints == null ? 'unspec' : 'stream')
  const layout = layoutOf(family, transport)
  if (layout == null) {
    throw new RangeError(
      endpoints == null
        ? `transport '${transport}' needs addresses`
        : `transport must be 'stream' or 'dgram' with addresses, got '${transport}'`,
    )
  }
  const tlvs = encodeTLVs(header.tlvs ?? [])
  const length = layout.length + tlvs.bytes.length
  if (length > 0xffff) {
    throw new RangeError(`header of ${V2_FIXED_LENGTH + length} bytes, over 65551`)
  }
  const bytes = new Uint8Array(V2_FIXED_LENGTH + length)
  bytes.set(V2_SIGNATURE)
  bytes[12] = 0x20 | (command === 'proxy' ? 1 : 0)
  bytes[13] = layout.byte
  bytes[14] = length >> 8
  bytes[15] = length & 0xff
  if (endpoints != null) {
    const [source, destination] = endpoints
    const size = source.bytes.length
    bytes.set(source.bytes, V2_FIXED_LENGTH)
    bytes.set(destination.bytes, V2_FIXED_LENGTH + size)
    if (source.family !== 'unix' && destination.family !== 'unix') {
      const view = new DataView(bytes.buffer)
      view.setUint16(V2_FIXED_LENGTH + 2 * size, source.port)
      view.setUint16(V2_FIXED_LENGTH + 2 * size + 2, destination.port)
    }
  }
  const tlvOffset = V2_FIXED_LENGTH + layout.length
  bytes.set(tlvs.bytes, tlvOffset)
  if (tlvs.crcOffset !== -1) {
    new DataView(bytes.buffer).setUint32(tlvOffset + tlvs.crcOffset, crc32c(bytes))
  }
  return bytes
}
