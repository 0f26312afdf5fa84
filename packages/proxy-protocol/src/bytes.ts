/** Big-endian reads from a `Uint8Array` (network order), bounds left to the caller. */

/** The unsigned 16-bit number at `offset`. */
export function readUint16(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] ?? 0) << 8) | (bytes[offset + 1] ?? 0)
}

/** The unsigned 32-bit number at `offset`. */
export function readUint32(bytes: Uint8Array, offset: number): number {
  return ((readUint16(bytes, offset) << 16) | readUint16(bytes, offset + 2)) >>> 0
}
