/** Plain words for the handshake failures users meet most. */
const REASONS: Readonly<Record<string, string>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'a self-signed certificate is in the chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate is not signed by a trusted CA',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the certificate is not signed by a trusted CA',
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate is not for this name',
  ERR_TLS_HANDSHAKE_TIMEOUT: 'the handshake timed out',
  ECONNRESET: 'the peer closed the connection',
}

/**
 * A TLS handshake failed: the peer's certificate was refused, the peer refused ours, no common
 * protocol or cipher, the handshake timed out, or the peer went away. Keeps Node's or OpenSSL's
 * `code` (`DEPTH_ZERO_SELF_SIGNED_CERT`, `ERR_TLS_CERT_ALTNAME_INVALID`, `CERT_HAS_EXPIRED`,
 * `ERR_TLS_HANDSHAKE_TIMEOUT`, `ERR_SSL_...`) and chains the original as `cause`.
 * @example
 * ```ts
 * try {
 *   await createConnection(factory, { host, port, tls: true })
 * } catch (error) {
 *   if (error instanceof TLSHandshakeError && error.code === 'CERT_HAS_EXPIRED') { ... }
 * }
 * ```
 */
export class TLSHandshakeError extends Error {
  static override readonly name = 'TLSHandshakeError'
  /** Node's or OpenSSL's code for the failure; `'ERR_TLS_HANDSHAKE'` when it gave none. */
  readonly code: string
  /** Who the handshake was with (such as `127.0.0.1 port 52100`), when known. */
  readonly peer: string | undefined

  constructor(peer: string | undefined, cause: unknown) {
    const { code: given, reason: openssl } = (cause ?? {}) as { code?: unknown; reason?: unknown }
    const code = typeof given === 'string' ? given : 'ERR_TLS_HANDSHAKE'
    // OpenSSL's errors carry a short reason ('http request', 'wrong version number') besides a
    // message full of source locations.
    const detail =
      typeof openssl === 'string'
        ? openssl
        : cause instanceof Error && cause.message !== ''
          ? cause.message.replace(/\s+/g, ' ').trim()
          : 'failed'
    const reason = REASONS[code] ?? detail
    super(`TLS handshake${peer === undefined ? '' : ` with ${peer}`} failed: ${reason} (${code})`, {
      cause,
    })
    this.name = 'TLSHandshakeError'
    this.code = code
    this.peer = peer
  }
}

/** The error a handshake that took too long ends with, as Node's own servers report it. */
export function handshakeTimeoutError(timeout: number): Error {
  return Object.assign(new Error(`TLS handshake timeout after ${timeout} ms`), {
    code: 'ERR_TLS_HANDSHAKE_TIMEOUT',
  })
}
