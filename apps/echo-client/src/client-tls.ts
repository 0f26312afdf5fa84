import { loadTLSFiles } from '@wirekit/app-support'
import type { TLSConnectionOptions } from '@wirekit/transport-tcp'
import type { ClientTLSConfig } from './cli.ts'

/**
 * Reads and checks `--tls-ca`, `--tls-cert` and `--tls-key` (a `ConfigError`, exit 2, for a file
 * that cannot be used) before connecting, and makes the connection's TLS options. The server's
 * certificate is always verified: against `--tls-ca`, else the system's CAs, and its name
 * against `--tls-servername`, else `--host`.
 */
export function clientTLS(config: ClientTLSConfig): TLSConnectionOptions {
  const files = loadTLSFiles({ cert: config.certPath, key: config.keyPath, ca: config.caPath })
  return {
    ...(files.ca === undefined ? {} : { ca: files.ca }),
    ...(files.cert === undefined || files.key === undefined
      ? {}
      : { cert: files.cert, key: files.key }),
    ...(config.servername === undefined ? {} : { servername: config.servername }),
  }
}
