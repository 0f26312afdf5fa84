import {
  MAX_UNIQUE_ID_LENGTH,
  SSL_CLIENT,
  SSL_SUBTYPE,
  TLV_TYPE,
  type ProxySSLInfoInit,
  type ProxyTLVInit,
  type ProxyUnknownTLV,
} from './tlv.ts'

const encoder = new TextEncoder()
const REGISTERED_TYPES: ReadonlySet<number> = new Set(Object.values(TLV_TYPE))
const SSL_SUBTYPES: ReadonlySet<number> = new Set(Object.values(SSL_SUBTYPE))

/** The bytes of one TLV: type, 16-bit length, value. */
function tlv(type: number, value: Uint8Array, what: string): Uint8Array {
  if (value.length > 0xffff) {
    throw new RangeError(`${what} value of ${value.length} bytes, over 65535`)
  }
  const bytes = new Uint8Array(3 + value.length)
  bytes[0] = type
  bytes[1] = value.length >> 8
  bytes[2] = value.length & 0xff
  bytes.set(value, 3)
  return bytes
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
  let offset = 0
  for (const part of parts) {
    bytes.set(part, offset)
    offset += part.length
  }
  return bytes
}

function bytesOf(value: unknown, what: string): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`${what} value must be a Uint8Array`)
  }
  return value
}

function stringOf(value: unknown, what: string): Uint8Array {
  if (typeof value !== 'string') {
    throw new TypeError(`${what} value must be a string`)
  }
  return encoder.encode(value)
}

function unknownTLV(
  entry: ProxyUnknownTLV,
  reserved: ReadonlySet<number>,
  what: string,
): Uint8Array {
  const code: unknown = entry.code
  if (
    typeof code !== 'number' ||
    !Number.isInteger(code) ||
    code < 0 ||
    code > 255 ||
    reserved.has(code)
  ) {
    throw new RangeError(
      `${what} code must be an integer from 0 to 255 other than the registered types, got ${String(code)}`,
    )
  }
  return tlv(code, bytesOf(entry.value, what), what)
}

function ssl(value: ProxySSLInfoInit): Uint8Array {
  const { verify } = value
  if (!Number.isInteger(verify) || verify < 0 || verify > 0xffffffff) {
    throw new RangeError(`SSL TLV verify must be an integer from 0 to 2^32 - 1, got ${verify}`)
  }
  const fixed = new Uint8Array(5)
  fixed[0] =
    (value.clientSSL ? SSL_CLIENT.ssl : 0) |
    (value.clientCertConnection ? SSL_CLIENT.certConnection : 0) |
    (value.clientCertSession ? SSL_CLIENT.certSession : 0)
  new DataView(fixed.buffer).setUint32(1, verify)
  const parts: Uint8Array[] = [fixed]
  const strings = [
    [SSL_SUBTYPE.version, value.version],
    [SSL_SUBTYPE.commonName, value.commonName],
    [SSL_SUBTYPE.cipher, value.cipher],
    [SSL_SUBTYPE.signatureAlgorithm, value.signatureAlgorithm],
    [SSL_SUBTYPE.keyAlgorithm, value.keyAlgorithm],
  ] as const
  for (const [type, text] of strings) {
    if (text !== undefined) {
      parts.push(tlv(type, stringOf(text, 'SSL sub-TLV'), 'SSL sub-TLV'))
    }
  }
  for (const entry of value.unknown ?? []) {
    parts.push(unknownTLV(entry, SSL_SUBTYPES, 'SSL unknown sub-TLV'))
  }
  return concat(parts)
}

/** The value bytes of one TLV to encode (a CRC32C's are zeros, filled in later). */
function valueOf(entry: ProxyTLVInit): [number, Uint8Array] {
  switch (entry.type) {
    case 'alpn':
      return [TLV_TYPE.alpn, bytesOf(entry.value, 'ALPN')]
    case 'authority':
      return [TLV_TYPE.authority, stringOf(entry.value, 'AUTHORITY')]
    case 'crc32c':
      return [TLV_TYPE.crc32c, new Uint8Array(4)]
    case 'noop':
      return [TLV_TYPE.noop, bytesOf(entry.value, 'NOOP')]
    case 'unique-id': {
      const value = bytesOf(entry.value, 'UNIQUE_ID')
      if (value.length > MAX_UNIQUE_ID_LENGTH) {
        throw new RangeError(`UNIQUE_ID of ${value.length} bytes, over ${MAX_UNIQUE_ID_LENGTH}`)
      }
      return [TLV_TYPE.uniqueId, value]
    }
    case 'ssl':
      return [TLV_TYPE.ssl, ssl(entry.value)]
    case 'netns':
      return [TLV_TYPE.netns, stringOf(entry.value, 'NETNS')]
    case 'unknown': {
      const bytes = unknownTLV(entry, REGISTERED_TYPES, 'unknown TLV')
      return [bytes[0] ?? 0, bytes.subarray(3)]
    }
    default:
      throw new TypeError(`unknown TLV type ${String((entry as { type: unknown }).type)}`)
  }
}

/** The encoded TLVs, and where the CRC32C value goes in them (-1 without one). */
export function encodeTLVs(entries: readonly ProxyTLVInit[]): {
  bytes: Uint8Array
  crcOffset: number
} {
  const parts: Uint8Array[] = []
  let offset = 0
  let crcOffset = -1
  for (const entry of entries) {
    const [type, value] = valueOf(entry)
    if (entry.type === 'crc32c') {
      if (crcOffset !== -1) {
        throw new RangeError('at most one CRC32C TLV')
      }
      crcOffset = offset + 3
    }
    const bytes = tlv(type, value, entry.type)
    parts.push(bytes)
    offset += bytes.length
  }
  return { bytes: concat(parts), crcOffset }
}
