import type { X509Certificate } from 'node:crypto'
import { loadTLSFiles } from '@wirekit/app-support'
import type { TLSServerOptions } from '@wirekit/transport-tcp'
import type { ServerTLSConfig } from './cli.ts'

/** The server's TLS options, and what the startup log says about them. */
export interface ServerTLS {
  readonly options: TLSServerOptions
  /** The line saying TLS is on, with whose certificate and for how long. */
  readonly note: string
  /** A warning for a certificate clients will refuse (expired, not valid yet), if any. */
  readonly warning: string | undefined
}

/** The certificate's validity as a warning, when it is not valid now. */
function validityWarning(
  certificate: X509Certificate,
  path: string,
  now: Date,
): string | undefined {
  const from = new Date(certificate.validFrom)
  const to = new Date(certificate.validTo)
  if (now > to) {
    return `the certificate in --tls-cert ${path} expired on ${to.toISOString()}: clients will refuse it`
  }
  if (now < from) {
    return `the certificate in --tls-cert ${path} is not valid before ${from.toISOString()}: clients will refuse it`
  }
  return undefined
}

/**
 * Reads and checks `--tls-cert`, `--tls-key` and `--tls-ca` (a `ConfigError`, exit 2, for a file
 * that cannot be used), before the server listens, and makes the transport's TLS options:
 * with `--tls-require-client-cert`, clients must show a certificate signed by `--tls-ca`.
 * @param now - The time to check the certificate's validity against.
 */
export function serverTLS(config: ServerTLSConfig, now: Date = new Date()): ServerTLS {
  const files = loadTLSFiles({ cert: config.certPath, key: config.keyPath, ca: config.caPath })
  const { certificate, cert, key } = files
  if (certificate === undefined || cert === undefined || key === undefined) {
    throw new TypeError('loadTLSFiles() read no certificate from --tls-cert')
  }
  const clients = config.requireClientCert
    ? `; client certificates required, signed by --tls-ca ${config.caPath ?? ''}`
    : ''
  return {
    options: {
      cert,
      key,
      ...(config.requireClientCert
        ? { ca: files.ca, requestCert: true, rejectUnauthorized: true }
        : {}),
    },
    note: `TLS on: certificate ${certificate.subject.replace(/\n/g, ', ')} (${certificate.subjectAltName ?? 'no alternative names'}), valid until ${new Date(certificate.validTo).toISOString()}${clients}`,
    warning: validityWarning(certificate, config.certPath, now),
  }
}
