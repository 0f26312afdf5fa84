import type { ProxyAddress, ProxyCommand, ProxyTransportProtocol } from './header.ts'
import { parseIPv4, parseIPv6 } from './ip-address.ts'
import type { ProxyTLVInit } from './tlv.ts'
import { encodeUnixPath } from './unix-path.ts'

/**
 * What to encode into a header. The family follows from the addresses (none: `'unspec'`, which
 * version 1 writes as `UNKNOWN`). A parsed {@link ProxyHeader} is a valid init: encoding it gives
 * the same header back.
 * @example
 * ```ts
 * const init: ProxyHeaderInit = {
 *   source: { family: 'IPv4', address: '192.0.2.1', port: 56324 },
 *   destination: { family: 'IPv4', address: '198.51.100.7', port: 443 },
 * }
 * ```
 */
export interface ProxyHeaderInit {
  /**
   * `'local'` (version 2 only) for a connection the proxy opened itself, such as a health check:
   * no addresses then.
   * @default 'proxy'
   */
  readonly command?: ProxyCommand | undefined
  /**
   * `'stream'` or `'dgram'` (version 2 only) with addresses; `'unspec'` or nothing without.
   * @default 'stream' with addresses, 'unspec' without
   */
  readonly transport?: ProxyTransportProtocol | undefined
  /** The client's address; give both ends or neither. IPv4 and IPv6 mixed are sent as IPv6. */
  readonly source?: ProxyAddress | undefined
  /** The address the client connected to. */
  readonly destination?: ProxyAddress | undefined
  /** TLVs to append, in this order (version 2 only). */
  readonly tlvs?: readonly ProxyTLVInit[] | undefined
}

/** An endpoint checked and turned into the bytes a header carries. */
export type EncodedEndpoint =
  | { readonly family: 'IPv4' | 'IPv6'; readonly bytes: Uint8Array; readonly port: number }
  | { readonly family: 'unix'; readonly bytes: Uint8Array }

/** The IPv4-mapped IPv6 bytes (`::ffff:a.b.c.d`) of 4 IPv4 bytes. */
function mapped(ipv4: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(16)
  bytes[10] = 0xff
  bytes[11] = 0xff
  bytes.set(ipv4, 12)
  return bytes
}

function checkPort(option: string, port: unknown): number {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`${option}.port must be an integer from 0 to 65535, got ${String(port)}`)
  }
  return port
}

function endpoint(option: string, address: ProxyAddress): EncodedEndpoint {
  const family: unknown = address.family
  switch (family) {
    case 'IPv4':
    case 'IPv6': {
      const ip = address as { address: unknown; port: unknown }
      const bytes =
        typeof ip.address !== 'string'
          ? undefined
          : family === 'IPv4'
            ? parseIPv4(ip.address)
            : parseIPv6(ip.address)
      if (bytes == null) {
        throw new RangeError(
          `${option}.address must be an ${family} address, got ${String(ip.address)}`,
        )
      }
      return { family, bytes, port: checkPort(option, ip.port) }
    }
    case 'unix': {
      const { path } = address as { path: unknown }
      if (typeof path !== 'string') {
        throw new TypeError(`${option}.path must be a string, got ${typeof path}`)
      }
      return { family, bytes: encodeUnixPath(path, `${option}.path`) }
    }
    default:
      throw new TypeError(
        `${option}.family must be 'IPv4', 'IPv6' or 'unix', got ${String(family)}`,
      )
  }
}

/**
 * Both endpoints of `init` checked, IPv4 mapped into IPv6 when the other end is IPv6 (as HAProxy
 * does); `undefined` when there are none. Throws `TypeError`/`RangeError` naming what is wrong.
 */
export function encodeEndpoints(
  init: ProxyHeaderInit,
): readonly [EncodedEndpoint, EncodedEndpoint] | undefined {
  const { source, destination } = init
  if (source == null && destination == null) {
    return undefined
  }
  if (source == null || destination == null) {
    throw new TypeError('give both source and destination, or neither')
  }
  let from = endpoint('source', source)
  let to = endpoint('destination', destination)
  if ((from.family === 'unix') !== (to.family === 'unix')) {
    throw new RangeError('source and destination must both be Unix addresses, or both IP')
  }
  if (from.family === 'IPv4' && to.family === 'IPv6') {
    from = { family: 'IPv6', bytes: mapped(from.bytes), port: from.port }
  } else if (from.family === 'IPv6' && to.family === 'IPv4') {
    to = { family: 'IPv6', bytes: mapped(to.bytes), port: to.port }
  }
  return [from, to]
}
