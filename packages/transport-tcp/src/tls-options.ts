import type {
  CipherNameAndProtocol,
  PeerCertificate,
  SecureContext,
  SecureContextOptions,
  TLSSocket,
} from 'node:tls'
import { checkBoolean, checkDuration, checkFunction } from './validate-options.ts'

/** What TLS settings servers and clients share. */
export interface TLSCommonOptions extends SecureContextOptions {
  /**
   * The ALPN protocols to offer (client) or accept, in order of preference (server), such as
   * `['h2', 'http/1.1']`.
   */
  ALPNProtocols?: string[]
  /**
   * Milliseconds the handshake may take; past it the connection is closed with
   * `ERR_TLS_HANDSHAKE_TIMEOUT`. 0 waits forever.
   * @default 60000
   */
  handshakeTimeout?: number
  /**
   * Milliseconds `close()` may take to flush and send close_notify; past it the connection is cut
   * (as by `abort()`), so that a peer that stops reading cannot hold a closing transport. 0 waits
   * forever.
   * @default 30000
   */
  shutdownTimeout?: number
}

/**
 * TLS for a server (asyncio's `create_server(ssl=...)`): its certificate and key (`key` and
 * `cert`, or `pfx`), the contexts of other names (`sni`), and whether clients must show a
 * certificate.
 *
 * Secure by default: TLS 1.2 at least, and with `requestCert` a client without a certificate the
 * `ca` trusts is refused (set `rejectUnauthorized: false` to let it in, unverified).
 */
export interface TLSServerOptions extends TLSCommonOptions {
  /**
   * Asks clients for a certificate.
   * @default false
   */
  requestCert?: boolean
  /**
   * With `requestCert`, refuses a client whose certificate is missing or not trusted by `ca`.
   * @default true
   */
  rejectUnauthorized?: boolean
  /**
   * Server Name Indication: the context for each name a client may ask for (a map from name to
   * context, or to the options of one), or a function choosing it. Names without a context get the
   * server's own certificate.
   */
  sni?:
    | Readonly<Record<string, SecureContext | SecureContextOptions>>
    | ((servername: string) => SecureContext | undefined | Promise<SecureContext | undefined>)
}

/**
 * TLS for a connection (asyncio's `create_connection(ssl=..., server_hostname=...)`): `true` for the
 * system's CAs and full verification, or these options.
 *
 * Secure by default: the server's certificate is verified against `ca` (the system's CAs when
 * left out) and its name against `servername`; TLS 1.2 at least.
 */
export interface TLSConnectionOptions extends TLSCommonOptions {
  /**
   * A context made with `tls.createSecureContext()`, instead of the key, certificate and CA
   * options.
   * @see {@link https://nodejs.org/api/tls.html#tlscreatesecurecontextoptions | tls.createSecureContext()}
   */
  secureContext?: SecureContext
  /**
   * The name sent for SNI and checked against the server's certificate.
   * @default the `host` of the connection
   */
  servername?: string
  /**
   * Refuses a server whose certificate cannot be verified. `false` turns verification off: the
   * connection is then open to anyone in the middle.
   * @default true
   */
  rejectUnauthorized?: boolean
  /**
   * Checks the server's name against its certificate, replacing Node's check: returns an error to
   * refuse the server, `undefined` to accept it.
   */
  checkServerIdentity?: (hostname: string, certificate: PeerCertificate) => Error | undefined
  /** A TLS session to resume (from a previous connection's `'session'`). */
  session?: Buffer
}

/** The TLS information a transport gives through `getExtraInfo()`, asyncio's names first. */
export interface TLSExtraInfo {
  /** The secure context in use (asyncio's `sslcontext`). */
  sslcontext: SecureContext
  /** The peer's certificate, when it showed one (asyncio's `peercert`). */
  peercert: PeerCertificate
  /** The cipher in use: `{ name, standardName, version }` (asyncio's `cipher`). */
  cipher: CipherNameAndProtocol
  /** Always `null`: TLS compression is off (asyncio's `compression`). */
  compression: null
  /** The `tls.TLSSocket` (asyncio's `ssl_object`). */
  ssl_object: TLSSocket
  /** The negotiated protocol version, such as `'TLSv1.3'`. */
  tlsProtocol: string
  /** The protocol ALPN selected, or `false`. */
  alpnProtocol: string | false
  /** The server name: sent (client) or asked for (server), or `false`. */
  servername: string | false
  /** `true` when the peer's certificate was verified. */
  authorized: boolean
  /** Why the peer's certificate was not verified, if it was not: a code such as `'CERT_HAS_EXPIRED'`. */
  authorizationError: string
}

/** The server's TLS options, checked, with the defaults filled in. */
export interface ResolvedTLSServerOptions {
  readonly options: TLSServerOptions
  readonly handshakeTimeout: number
  readonly shutdownTimeout: number
}

/** The connection's TLS options, checked, with the defaults filled in. */
export interface ResolvedTLSConnectionOptions {
  readonly options: TLSConnectionOptions
  readonly handshakeTimeout: number
  readonly shutdownTimeout: number
}

const DEFAULT_HANDSHAKE_TIMEOUT = 60_000
const DEFAULT_SHUTDOWN_TIMEOUT = 30_000

function checkObject(option: string, value: unknown): asserts value is object {
  if (typeof value !== 'object' || value == null) {
    throw new TypeError(`option ${option} must be an object of TLS options`)
  }
}

/** Checks a server's `tls` option. */
export function resolveTLSServerOptions(value: unknown): ResolvedTLSServerOptions {
  checkObject('tls', value)
  const options = value as TLSServerOptions
  const { key, cert, pfx, sni } = options
  if ((key === undefined || cert === undefined) && pfx === undefined) {
    throw new TypeError('option tls needs the server certificate: key and cert, or pfx')
  }
  checkBoolean('tls.requestCert', options.requestCert)
  checkBoolean('tls.rejectUnauthorized', options.rejectUnauthorized)
  if (sni !== undefined && typeof sni !== 'function') {
    checkObject('tls.sni', sni)
  }
  return {
    options,
    handshakeTimeout:
      checkDuration('tls.handshakeTimeout', options.handshakeTimeout) ?? DEFAULT_HANDSHAKE_TIMEOUT,
    shutdownTimeout:
      checkDuration('tls.shutdownTimeout', options.shutdownTimeout) ?? DEFAULT_SHUTDOWN_TIMEOUT,
  }
}

/** Checks a connection's `tls` option (`true` for the defaults). */
export function resolveTLSConnectionOptions(value: unknown): ResolvedTLSConnectionOptions {
  const options: TLSConnectionOptions = value === true ? {} : (value as TLSConnectionOptions)
  checkObject('tls', options)
  checkBoolean('tls.rejectUnauthorized', options.rejectUnauthorized)
  checkFunction('tls.checkServerIdentity', options.checkServerIdentity)
  if (options.servername !== undefined && typeof options.servername !== 'string') {
    throw new TypeError('option tls.servername must be a string')
  }
  return {
    options,
    handshakeTimeout:
      checkDuration('tls.handshakeTimeout', options.handshakeTimeout) ?? DEFAULT_HANDSHAKE_TIMEOUT,
    shutdownTimeout:
      checkDuration('tls.shutdownTimeout', options.shutdownTimeout) ?? DEFAULT_SHUTDOWN_TIMEOUT,
  }
}
