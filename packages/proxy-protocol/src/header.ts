import type { ProxyTLV } from './tlv.ts'

/** The version of the PROXY protocol: 1 is the text line, 2 the binary header. */
export type ProxyProtocolVersion = 1 | 2

/**
 * What the connection is: `'proxy'` relays a client (use the header's addresses), `'local'` was
 * opened by the proxy itself, such as a health check (use the connection's real addresses).
 * Version 1 has no LOCAL command: its `UNKNOWN` line is reported as `'proxy'` with family `'unspec'`.
 */
export type ProxyCommand = 'proxy' | 'local'

/**
 * The address family of the relayed connection, named as Node's `net` names them (`'IPv4'`,
 * `'IPv6'`), plus `'unix'` and `'unspec'` (unknown or unsupported: use the real addresses).
 */
export type ProxyAddressFamily = 'IPv4' | 'IPv6' | 'unix' | 'unspec'

/**
 * The transport protocol of the relayed connection: `'stream'` (TCP, Unix stream), `'dgram'`
 * (UDP, Unix datagram) or `'unspec'`.
 */
export type ProxyTransportProtocol = 'stream' | 'dgram' | 'unspec'

/**
 * An IP endpoint, shaped like Node's `socket.address()` (and wirekit's `TransportAddress`), so it
 * can stand in for `peername` and `sockname`.
 */
export interface ProxyIPAddress {
  /** `'IPv4'` or `'IPv6'`. */
  readonly family: 'IPv4' | 'IPv6'
  /**
   * The address as Node's `net` prints it: dotted decimal for IPv4; compressed lower-case hex for
   * IPv6, with the IPv4-mapped form written `::ffff:192.0.2.1`.
   */
  readonly address: string
  /** The port, 0 to 65535. */
  readonly port: number
}

/** A Unix socket endpoint (version 2 only). */
export interface ProxyUnixAddress {
  /** Always `'unix'`. */
  readonly family: 'unix'
  /**
   * The socket's path (UTF-8, up to 108 bytes); an abstract socket name starts with `'\0'` as
   * Node writes it; `''` for an unnamed socket.
   */
  readonly path: string
}

/** One end of the relayed connection. */
export type ProxyAddress = ProxyIPAddress | ProxyUnixAddress

/**
 * A parsed PROXY protocol header.
 *
 * `source` is the client as the proxy saw it (use it as `peername`), `destination` the address the
 * client connected to (use it as `sockname`). Both are `undefined` when the header carries no
 * addresses (command `'local'`, family `'unspec'`): the connection's real addresses apply then.
 * @example
 * ```ts
 * if (header.command === 'proxy' && header.source?.family !== 'unix') {
 *   console.log('client', header.source?.address, header.source?.port)
 * }
 * ```
 */
export interface ProxyHeader {
  /** The version of the header on the wire. */
  readonly version: ProxyProtocolVersion
  /** PROXY (relayed) or LOCAL (opened by the proxy itself). */
  readonly command: ProxyCommand
  /** The address family; `'unspec'` for LOCAL, v1 `UNKNOWN` and v2 `AF_UNSPEC`. */
  readonly family: ProxyAddressFamily
  /** The transport protocol; `'unspec'` whenever `family` is. */
  readonly transport: ProxyTransportProtocol
  /** The client's address, or `undefined` when the header has none. */
  readonly source: ProxyAddress | undefined
  /** The address the client connected to, or `undefined` when the header has none. */
  readonly destination: ProxyAddress | undefined
  /** The version 2 TLVs, in wire order (always empty for version 1). */
  readonly tlvs: readonly ProxyTLV[]
}
