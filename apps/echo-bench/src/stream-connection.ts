import { connect as connectTCP, type OnReadOpts, type Socket } from 'node:net'
import { connect as connectTLS, TLSSocket, type ConnectionOptions } from 'node:tls'
import {
  encodeProxyHeaderV1,
  encodeProxyHeaderV2,
  type ProxyHeaderInit,
} from '@wirekit/proxy-protocol'
import type { LoadOptions, NegotiatedTLS } from './load-options.ts'

/**
 * The TLS of every generator connection: TLS 1.3 with one suite and one key-exchange group, the
 * ones Node and OpenSSL pick by default, so that the generator's own TLS work is the same
 * whatever the server under test would prefer. A server that cannot do them fails the handshake
 * instead of quietly giving the generator another cost.
 */
export const GENERATOR_TLS = {
  minVersion: 'TLSv1.3',
  maxVersion: 'TLSv1.3',
  ciphers: 'TLS_AES_256_GCM_SHA384',
  ecdhCurve: 'X25519',
} as const satisfies ConnectionOptions

/** A stream connection being opened, and the event that says it is ready for requests. */
export interface OpeningStream {
  readonly socket: Socket
  readonly ready: 'connect' | 'secureConnect'
}

/**
 * Opens a connection to the server of `options`: TCP or a Unix socket, over TLS when `ca` is
 * given (trusting only that CA), reading into `onread`'s buffer.
 */
export function openStream(
  options: LoadOptions,
  ca: string | undefined,
  onread: OnReadOpts,
): OpeningStream {
  const where =
    options.path === undefined
      ? { host: options.host, port: options.port, noDelay: true }
      : { path: options.path }
  if (ca === undefined) {
    return { socket: connectTCP({ ...where, onread }), ready: 'connect' }
  }
  const tlsOptions: ConnectionOptions & { onread: OnReadOpts } = {
    ...where,
    ...GENERATOR_TLS,
    ca,
    onread,
  }
  return { socket: connectTLS(tlsOptions), ready: 'secureConnect' }
}

/** What a TLS connection negotiated (after `secureConnect`); `undefined` in plaintext. */
export function negotiated(socket: Socket): NegotiatedTLS | undefined {
  return socket instanceof TLSSocket
    ? { protocol: socket.getProtocol() ?? 'unknown', cipher: socket.getCipher().standardName }
    : undefined
}

/** Documentation addresses (RFC 5737, RFC 3849) the header names as the client. */
const CLIENT = { IPv4: '192.0.2.1', IPv6: '2001:db8::1' } as const

/**
 * The PROXY header a balancer would send for this connection (once connected): the client at a
 * documentation address with the connection's own port, the destination the server's address.
 */
export function proxyHeaderFor(version: 1 | 2, socket: Socket): Uint8Array {
  const family = socket.remoteFamily === 'IPv6' ? 'IPv6' : 'IPv4'
  const header: ProxyHeaderInit = {
    source: { family, address: CLIENT[family], port: socket.localPort ?? 0 },
    destination: { family, address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 },
  }
  return version === 1 ? encodeProxyHeaderV1(header) : encodeProxyHeaderV2(header)
}
