import type { ProxyAddressFamily, ProxyTransportProtocol } from './header.ts'

/** What a version 2 family and protocol byte means, and the size of its address block. */
export interface AddressLayout {
  readonly byte: number
  readonly family: ProxyAddressFamily
  readonly transport: ProxyTransportProtocol
  /** Bytes of addresses and ports after the 16-byte fixed header. */
  readonly length: number
}

/**
 * The only family and protocol bytes the spec lists (section 2.2); any other is refused, since
 * its address block could not be skipped.
 */
export const ADDRESS_LAYOUTS: readonly AddressLayout[] = [
  { byte: 0x00, family: 'unspec', transport: 'unspec', length: 0 },
  { byte: 0x11, family: 'IPv4', transport: 'stream', length: 12 },
  { byte: 0x12, family: 'IPv4', transport: 'dgram', length: 12 },
  { byte: 0x21, family: 'IPv6', transport: 'stream', length: 36 },
  { byte: 0x22, family: 'IPv6', transport: 'dgram', length: 36 },
  { byte: 0x31, family: 'unix', transport: 'stream', length: 216 },
  { byte: 0x32, family: 'unix', transport: 'dgram', length: 216 },
]

/** The layout of a family and protocol byte, if the spec lists it. */
export function layoutOfByte(byte: number): AddressLayout | undefined {
  return ADDRESS_LAYOUTS.find((layout) => layout.byte === byte)
}

/** The layout of a family and transport, if the spec lists the pair. */
export function layoutOf(
  family: ProxyAddressFamily,
  transport: ProxyTransportProtocol,
): AddressLayout | undefined {
  return ADDRESS_LAYOUTS.find(
    (layout) => layout.family === family && layout.transport === transport,
  )
}
