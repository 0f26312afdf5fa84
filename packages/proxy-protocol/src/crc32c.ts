/** CRC32c (Castagnoli), as RFC 4960 appendix B defines it: reflected, polynomial 0x82F63B78. */

let table: Uint32Array | undefined

function crcTable(): Uint32Array {
  if (table == null) {
    table = new Uint32Array(256)
    for (let n = 0; n < 256; n++) {
      let c = n
      for (let k = 0; k < 8; k++) {
        c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1
      }
      table[n] = c >>> 0
    }
  }
  return table
}

/** The CRC32c of the concatenation of `parts`, as an unsigned 32-bit number. */
export function crc32c(...parts: Uint8Array[]): number {
  const t = crcTable()
  let crc = 0xffffffff
  for (const part of parts) {
    for (const byte of part) {
      crc = (t[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8)
    }
  }
  return (crc ^ 0xffffffff) >>> 0
}
