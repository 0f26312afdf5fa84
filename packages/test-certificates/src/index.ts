/**
 * TLS certificates for wirekit's tests, examples and demo, generated once by `generate.sh` with the
 * `openssl` CLI and committed: EC P-256 keys, a CA (`ca`), a server certificate for `localhost`,
 * 127.0.0.1 and ::1 (`server`), one for `alt.localhost` (`alt`, for SNI), a client certificate
 * (`client`), a server certificate from another CA (`other-server`, issued by `other-ca`), an
 * expired server certificate (`expired`) and a self-signed one (`self-signed`). The private keys are public: never use them elsewhere.
 *
 * @example
 * ```ts
 * import { testCertificate } from '@wirekit/test-certificates'
 * const { cert, key } = testCertificate('server')
 * const ca = testCertificate('ca').cert
 * ```
 *
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The certificates there are. */
export type TestCertificateName =
  'ca' | 'other-ca' | 'server' | 'alt' | 'client' | 'other-server' | 'expired' | 'self-signed'

/** A certificate and its key, PEM-encoded. */
export interface TestCertificate {
  readonly cert: string
  readonly key: string
}

/** The folder of the PEM files. */
export const certificatesFolder: string = fileURLToPath(new URL('../certs/', import.meta.url))

/** The path of a certificate's PEM file (`part: 'cert'`) or of its key's (`part: 'key'`). */
export function testCertificatePath(name: TestCertificateName, part: 'cert' | 'key'): string {
  return `${certificatesFolder}${name}-${part}.pem`
}

/** A certificate and its key, read from the PEM files. */
export function testCertificate(name: TestCertificateName): TestCertificate {
  return {
    cert: readFileSync(testCertificatePath(name, 'cert'), 'utf8'),
    key: readFileSync(testCertificatePath(name, 'key'), 'utf8'),
  }
}
