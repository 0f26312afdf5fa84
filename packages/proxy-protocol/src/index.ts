/**
 * The PROXY protocol (versions 1 and 2, HAProxy's `doc/proxy-protocol.txt`): an incremental,
 * bounded parser and encoders, with no dependencies and no Node built-ins (only `Uint8Array`).
 *
 * A load balancer (HAProxy, nginx, Envoy, AWS NLB) sends the header before anything else so the
 * server learns the client's real address. The parser takes the connection's bytes as they come
 * and answers `need-more`, `done` (the header, and the protocol's first bytes after it) or
 * `invalid` (drop the connection). Accept the header only from trusted proxies: anyone who can
 * send it can claim any address.
 *
 * @example
 * ```ts
 * import { createProxyHeaderParser, encodeProxyHeaderV2 } from '@wirekit/proxy-protocol'
 *
 * const parser = createProxyHeaderParser()
 * const bytes = encodeProxyHeaderV2({
 *   source: { family: 'IPv4', address: '203.0.113.9', port: 51000 },
 *   destination: { family: 'IPv4', address: '192.0.2.10', port: 443 },
 * })
 * const result = parser.push(bytes)
 * if (result.status === 'done') {
 *   console.log(result.header.source) // { family: 'IPv4', address: '203.0.113.9', port: 51000 }
 * }
 * ```
 *
 * @packageDocumentation
 */

export type {
  ProxyAddress,
  ProxyAddressFamily,
  ProxyCommand,
  ProxyHeader,
  ProxyIPAddress,
  ProxyProtocolVersion,
  ProxyTransportProtocol,
  ProxyUnixAddress,
} from './header.ts'
export type {
  ProxyCRC32CInit,
  ProxySSLInfo,
  ProxySSLInfoInit,
  ProxyTLV,
  ProxyTLVInit,
  ProxyTLVOf,
  ProxyTLVType,
  ProxyUnknownTLV,
} from './tlv.ts'
export type { ProxyHeaderInit } from './header-init.ts'
export type { ProxyHeaderParserOptions } from './options.ts'
export {
  PROXY_HEADER_INVALID,
  type ProxyHeaderDone,
  type ProxyHeaderInvalid,
  type ProxyHeaderInvalidReason,
  type ProxyHeaderNeedMore,
  type ProxyHeaderResult,
} from './result.ts'
export { ProxyHeaderError, ProxyHeaderParserFinishedError } from './errors.ts'
export { parseProxyHeader } from './parse-proxy-header.ts'
export { createProxyHeaderParser, type ProxyHeaderParser } from './create-proxy-header-parser.ts'
export { encodeProxyHeaderV1 } from './encode-v1.ts'
export { encodeProxyHeaderV2 } from './encode-v2.ts'
