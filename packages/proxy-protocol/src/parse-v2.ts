import { layoutOfByte, type AddressLayout } from './address-block.ts'
import { readUint16 } from './bytes.ts'
import type { ProxyAddress, ProxyHeader } from './header.ts'
import { formatIPv4, formatIPv6 } from './ip-address.ts'
import { V2_FIXED_LENGTH, type ResolvedParserOptions } from './options.ts'
import { parseTLVs } from './parse-tlvs.ts'
import { invalid, NEED_MORE, type ProxyHeaderResult } from './result.ts'
import { decodeUnixPath, UNIX_PATH_SIZE } from './unix-path.ts'

const VERSION_COMMAND = 12
const FAMILY = 13
const LENGTH = 14

/** The source and destination of a PROXY command's address block at `offset`. */
function addresses(
  bytes: Uint8Array,
  offset: number,
  layout: AddressLayout,
): [ProxyAddress, ProxyAddress] | [undefined, undefined] {
  switch (layout.family) {
    case 'IPv4':
    case 'IPv6': {
      const size = layout.family === 'IPv4' ? 4 : 16
      const format = layout.family === 'IPv4' ? formatIPv4 : formatIPv6
      const ports = offset + 2 * size
      return [
        { family: layout.family, address: format(bytes, offset), port: readUint16(bytes, ports) },
        {
          family: layout.family,
          address: format(bytes, offset + size),
          port: readUint16(bytes, ports + 2),
        },
      ]
    }
    case 'unix':
      return [
        { family: 'unix', path: decodeUnixPath(bytes.subarray(offset, offset + UNIX_PATH_SIZE)) },
        {
          family: 'unix',
          path: decodeUnixPath(
            bytes.subarray(offset + UNIX_PATH_SIZE, offset + 2 * UNIX_PATH_SIZE),
          ),
        },
      ]
    default:
      return [undefined, undefined]
  }
}

/**
 * A version 2 header whose 12-byte signature already matched. Each fixed field is checked as
 * soon as its byte arrives; the address block and TLVs once the announced length is in.
 */
export function parseV2(bytes: Uint8Array, options: ResolvedParserOptions): ProxyHeaderResult {
  const versionCommand = bytes[VERSION_COMMAND]
  if (versionCommand == null) {
    return NEED_MORE
  }
  if (versionCommand >> 4 !== 2) {
    return invalid('bad-version', `PROXY v2 version nibble is ${versionCommand >> 4}, not 2`)
  }
  const command = versionCommand & 0x0f
  if (command > 1) {
    return invalid('bad-command', `PROXY v2 command ${command} is neither LOCAL (0) nor PROXY (1)`)
  }
  const familyByte = bytes[FAMILY]
  if (familyByte == null) {
    return NEED_MORE
  }
  const layout = layoutOfByte(familyByte)
  if (layout == null) {
    return invalid(
      'bad-family',
      `PROXY v2 family and protocol byte 0x${familyByte.toString(16).padStart(2, '0')} is not one the spec defines`,
    )
  }
  if (bytes.length < V2_FIXED_LENGTH) {
    return NEED_MORE
  }
  const length = readUint16(bytes, LENGTH)
  const headerLength = V2_FIXED_LENGTH + length
  if (headerLength > options.maxHeaderSize) {
    return invalid(
      'too-long',
      `PROXY v2 header of ${headerLength} bytes, over maxHeaderSize (${options.maxHeaderSize})`,
    )
  }
  if (length < layout.length) {
    return invalid(
      'bad-address',
      `PROXY v2 length ${length} is shorter than the ${layout.length}-byte address block of its family`,
    )
  }
  if (bytes.length < headerLength) {
    return NEED_MORE
  }
  const header = bytes.subarray(0, headerLength)
  const tlvs = parseTLVs(header, V2_FIXED_LENGTH + layout.length)
  if (!Array.isArray(tlvs)) {
    return tlvs
  }
  const proxied = command === 1
  // LOCAL: the spec says to ignore the address block and family, and use the real endpoints.
  const [source, destination] = proxied
    ? addresses(header, V2_FIXED_LENGTH, layout)
    : [undefined, undefined]
  const result: ProxyHeader = {
    version: 2,
    command: proxied ? 'proxy' : 'local',
    family: proxied ? layout.family : 'unspec',
    transport: proxied ? layout.transport : 'unspec',
    source,
    destination,
    tlvs,
  }
  return {
    status: 'done',
    header: result,
    headerLength,
    consumed: headerLength,
    rest: bytes.subarray(headerLength),
  }
}
