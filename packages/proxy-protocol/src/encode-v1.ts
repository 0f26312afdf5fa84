import { encodeEndpoints, type EncodedEndpoint, type ProxyHeaderInit } from './header-init.ts'
import { formatIPv4, formatIPv6 } from './ip-address.ts'

const encoder = new TextEncoder()

function text(endpoint: EncodedEndpoint): string {
  // Hex groups only: the spec's v1 grammar has no dotted IPv4 inside IPv6.
  return endpoint.family === 'IPv4'
    ? formatIPv4(endpoint.bytes)
    : formatIPv6(endpoint.bytes, 0, false)
}

/**
 * Encodes a version 1 (text) header: `PROXY TCP4 <src> <dst> <sport> <dport>\r\n` (or `TCP6`),
 * or `PROXY UNKNOWN\r\n` without addresses. IPv6 is written in compressed hex; IPv4 and IPv6
 * mixed are both sent as IPv6, as HAProxy does.
 *
 * Version 1 carries no LOCAL command, no UDP, no Unix addresses and no TLVs: asking for them
 * throws a `RangeError` (use {@link encodeProxyHeaderV2}); bad addresses or ports throw
 * `TypeError`/`RangeError` naming the field.
 * @param header - The addresses, e.g. a client's `peername` and `sockname`.
 * @returns A new array of at most 107 bytes, to send before anything else.
 * @example
 * ```ts
 * const line = encodeProxyHeaderV1({
 *   source: { family: 'IPv4', address: '192.168.0.1', port: 56324 },
 *   destination: { family: 'IPv4', address: '192.168.0.11', port: 443 },
 * }) // "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n"
 * ```
 */
export function encodeProxyHeaderV1(header: ProxyHeaderInit): Uint8Array {
  if (header.command === 'local') {
    throw new RangeError(
      "version 1 has no LOCAL command: send the real addresses, or none for 'PROXY UNKNOWN'",
    )
  }
  if (header.transport === 'dgram') {
    throw new RangeError("version 1 carries TCP only, not transport 'dgram'")
  }
  if (header.tlvs != null && header.tlvs.length > 0) {
    throw new RangeError('version 1 carries no TLVs')
  }
  const endpoints = encodeEndpoints(header)
  if (endpoints == null) {
    return encoder.encode('PROXY UNKNOWN\r\n')
  }
  const [source, destination] = endpoints
  if (source.family === 'unix' || destination.family === 'unix') {
    throw new RangeError('version 1 carries no Unix addresses')
  }
  if (header.transport === 'unspec') {
    throw new RangeError("transport 'unspec' is for headers without addresses")
  }
  const protocol = source.family === 'IPv4' ? 'TCP4' : 'TCP6'
  return encoder.encode(
    `PROXY ${protocol} ${text(source)} ${text(destination)} ${source.port} ${destination.port}\r\n`,
  )
}
