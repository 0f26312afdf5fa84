/** Version 2 headers built byte by byte from the spec's struct, independently of the encoder. */

/** The 12-byte signature. */
export const SIGNATURE = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]

/** sig, ver_cmd, fam, len (from `body`), body. */
export function v2(
  versionCommand: number,
  family: number,
  ...body: (number | Uint8Array | number[])[]
): Uint8Array {
  const flat = body.flatMap((part) => (typeof part === 'number' ? [part] : [...part]))
  return Uint8Array.from([
    ...SIGNATURE,
    versionCommand,
    family,
    flat.length >> 8,
    flat.length & 0xff,
    ...flat,
  ])
}

/** A 16-bit number in network order. */
export function u16(n: number): number[] {
  return [n >> 8, n & 0xff]
}

/** A TLV: type, 16-bit length, value. */
export function tlv(type: number, value: Uint8Array | number[] | string): number[] {
  const bytes = typeof value === 'string' ? [...new TextEncoder().encode(value)] : [...value]
  return [type, ...u16(bytes.length), ...bytes]
}

/** CRC32c bit by bit (RFC 4960 appendix B), apart from the package's table-driven one. */
export function referenceCrc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff
  for (const byte of bytes) {
    crc ^= byte
    for (let k = 0; k < 8; k++) {
      crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1
    }
  }
  return (crc ^ 0xffffffff) >>> 0
}

/** Fills the 4 bytes at `offset` with the CRC32c of `header` computed with them zeroed. */
export function withCrc(header: Uint8Array, offset: number): Uint8Array {
  const copy = header.slice()
  copy.fill(0, offset, offset + 4)
  new DataView(copy.buffer).setUint32(offset, referenceCrc32c(copy))
  return copy
}
