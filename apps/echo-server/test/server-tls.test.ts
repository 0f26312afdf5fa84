import { ConfigError } from '@wirekit/app-support'
import { testCertificate, testCertificatePath } from '@wirekit/test-certificates'
import { describe, expect, it } from 'vitest'
import { serverTLS } from '../src/server-tls.ts'

const server = {
  certPath: testCertificatePath('server', 'cert'),
  keyPath: testCertificatePath('server', 'key'),
  caPath: undefined,
  requireClientCert: false,
}
const expired = {
  ...server,
  certPath: testCertificatePath('expired', 'cert'),
  keyPath: testCertificatePath('expired', 'key'),
}

describe('serverTLS', () => {
  it('gives the certificate and key, and no client certificates by default', () => {
    const { options, note, warning } = serverTLS(server)
    expect(options).toEqual({
      cert: testCertificate('server').cert.trim(),
      key: testCertificate('server').key.trim(),
    })
    expect(note).toBe(
      'TLS on: certificate CN=localhost (DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1), valid until 2126-11-02T01:57:11.000Z',
    )
    expect(warning).toBeUndefined()
  })

  it('with --tls-require-client-cert, asks for client certificates and refuses the unverified', () => {
    const caPath = testCertificatePath('ca', 'cert')
    const { options, note } = serverTLS({ ...server, caPath, requireClientCert: true })
    expect(options).toMatchObject({
      ca: testCertificate('ca').cert.trim(),
      requestCert: true,
      rejectUnauthorized: true,
    })
    expect(note).toMatch(
      new RegExp(`; client certificates required, signed by --tls-ca ${caPath}$`),
    )
  })

  it('warns of a certificate clients will refuse: expired, or not valid yet', () => {
    expect(serverTLS(expired).warning).toBe(
      `the certificate in --tls-cert ${expired.certPath} expired on 2001-01-01T00:00:00.000Z: clients will refuse it`,
    )
    expect(serverTLS(expired, new Date('1999-06-01T00:00:00Z')).warning).toBe(
      `the certificate in --tls-cert ${expired.certPath} is not valid before 2000-01-01T00:00:00.000Z: clients will refuse it`,
    )
    expect(serverTLS(expired, new Date('2000-06-01T00:00:00Z')).warning).toBeUndefined()
  })

  it('throws a ConfigError for a file that cannot be used', () => {
    expect(() => serverTLS({ ...server, keyPath: testCertificatePath('client', 'key') })).toThrow(
      ConfigError,
    )
  })
})
