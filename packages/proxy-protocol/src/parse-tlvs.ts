import { readUint16, readUint32 } from './bytes.ts'
import { crc32c } from './crc32c.ts'
import { invalid, type ProxyHeaderInvalid } from './result.ts'
import {
  MAX_UNIQUE_ID_LENGTH,
  SSL_CLIENT,
  SSL_SUBTYPE,
  TLV_TYPE,
  type ProxySSLInfo,
  type ProxyTLV,
  type ProxyUnknownTLV,
} from './tlv.ts'

/** A TLV's type, length and value fields take 1, 2 and `length` bytes. */
const TLV_HEADER_LENGTH = 3
/** An SSL TLV's value starts with `client` (1 byte) and `verify` (4 bytes). */
const SSL_FIXED_LENGTH = 5

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** Thrown inside this module only, turned into an `invalid` result at its edge. */
class BadTLV extends Error {
  readonly result: ProxyHeaderInvalid

  constructor(result: ProxyHeaderInvalid) {
    super(result.message)
    this.result = result
  }
}

function badTLV(what: string): BadTLV {
  return new BadTLV(invalid('bad-tlv', `PROXY v2 TLV: ${what}`))
}

function hex(type: number): string {
  return `0x${type.toString(16).padStart(2, '0')}`
}

/** Calls `each(type, value, offset)` for each TLV of `bytes[start, end)`. */
function forEachTLV(
  bytes: Uint8Array,
  start: number,
  end: number,
  each: (type: number, value: Uint8Array, valueOffset: number) => void,
): void {
  let position = start
  while (position < end) {
    if (end - position < TLV_HEADER_LENGTH) {
      throw badTLV(`${end - position} bytes left, too few for a TLV`)
    }
    const type = bytes[position] ?? 0
    const valueOffset = position + TLV_HEADER_LENGTH
    const valueEnd = valueOffset + readUint16(bytes, position + 1)
    if (valueEnd > end) {
      throw badTLV(`type ${hex(type)} runs ${valueEnd - end} bytes past its end`)
    }
    each(type, bytes.subarray(valueOffset, valueEnd), valueOffset)
    position = valueEnd
  }
}

/**
 * A plain `Uint8Array` with its own memory: `slice()` would return a view when the input is a
 * Node `Buffer` (whose `slice` does not copy), and a `Buffer` at that.
 */
function copy(value: Uint8Array): Uint8Array {
  return new Uint8Array(value)
}

function text(value: Uint8Array, what: string): string {
  try {
    return utf8.decode(value)
  } catch {
    throw badTLV(`${what} is not UTF-8`)
  }
}

function unknown(code: number, value: Uint8Array): ProxyUnknownTLV {
  return { type: 'unknown', code, value: copy(value) }
}

const sslStrings = new Map<number, keyof ProxySSLInfo>([
  [SSL_SUBTYPE.version, 'version'],
  [SSL_SUBTYPE.commonName, 'commonName'],
  [SSL_SUBTYPE.cipher, 'cipher'],
  [SSL_SUBTYPE.signatureAlgorithm, 'signatureAlgorithm'],
  [SSL_SUBTYPE.keyAlgorithm, 'keyAlgorithm'],
])

function ssl(value: Uint8Array): ProxySSLInfo {
  if (value.length < SSL_FIXED_LENGTH) {
    throw badTLV(`SSL value of ${value.length} bytes, shorter than ${SSL_FIXED_LENGTH}`)
  }
  const client = value[0] ?? 0
  const strings: Record<string, string> = {}
  const others: ProxyUnknownTLV[] = []
  forEachTLV(value, SSL_FIXED_LENGTH, value.length, (type, subvalue) => {
    const name = sslStrings.get(type)
    if (name == null) {
      others.push(unknown(type, subvalue))
    } else if (name in strings) {
      throw badTLV(`SSL sub-TLV ${hex(type)} repeated`)
    } else {
      strings[name] = text(subvalue, `SSL sub-TLV ${hex(type)}`)
    }
  })
  return {
    clientSSL: (client & SSL_CLIENT.ssl) !== 0,
    clientCertConnection: (client & SSL_CLIENT.certConnection) !== 0,
    clientCertSession: (client & SSL_CLIENT.certSession) !== 0,
    verify: readUint32(value, 1),
    ...strings,
    unknown: others,
  }
}

/**
 * The TLVs of a complete version 2 header, from `start` (after the address block) to its end;
 * verifies the CRC32C TLV if there is one. Values are copied: the header keeps nothing of the
 * input alive.
 */
export function parseTLVs(header: Uint8Array, start: number): ProxyTLV[] | ProxyHeaderInvalid {
  const tlvs: ProxyTLV[] = []
  let crcOffset = -1
  try {
    forEachTLV(header, start, header.length, (type, value, valueOffset) => {
      switch (type) {
        case TLV_TYPE.alpn:
          tlvs.push({ type: 'alpn', value: copy(value) })
          break
        case TLV_TYPE.authority:
          tlvs.push({ type: 'authority', value: text(value, 'AUTHORITY') })
          break
        case TLV_TYPE.crc32c:
          if (value.length !== 4) {
            throw badTLV(`CRC32C of ${value.length} bytes instead of 4`)
          }
          if (crcOffset !== -1) {
            throw badTLV('more than one CRC32C')
          }
          crcOffset = valueOffset
          tlvs.push({ type: 'crc32c', value: readUint32(value, 0) })
          break
        case TLV_TYPE.noop:
          tlvs.push({ type: 'noop', value: copy(value) })
          break
        case TLV_TYPE.uniqueId:
          if (value.length > MAX_UNIQUE_ID_LENGTH) {
            throw badTLV(`UNIQUE_ID of ${value.length} bytes, over ${MAX_UNIQUE_ID_LENGTH}`)
          }
          tlvs.push({ type: 'unique-id', value: copy(value) })
          break
        case TLV_TYPE.ssl:
          tlvs.push({ type: 'ssl', value: ssl(value) })
          break
        case TLV_TYPE.netns:
          tlvs.push({ type: 'netns', value: text(value, 'NETNS') })
          break
        default:
          tlvs.push(unknown(type, value))
      }
    })
  } catch (error) {
    if (error instanceof BadTLV) {
      return error.result
    }
    throw error
  }
  if (crcOffset !== -1) {
    const sent = readUint32(header, crcOffset)
    // The sender computed it over the whole header with the checksum's own 4 bytes zeroed.
    const computed = crc32c(
      header.subarray(0, crcOffset),
      new Uint8Array(4),
      header.subarray(crcOffset + 4),
    )
    if (computed !== sent) {
      return invalid(
        'crc-mismatch',
        `PROXY v2 CRC32C mismatch: the header says ${hex32(sent)}, its bytes give ${hex32(computed)}`,
      )
    }
  }
  return tlvs
}

function hex32(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`
}
