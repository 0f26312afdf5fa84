import { X509Certificate } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { testCertificate, type TestCertificateName } from '../src/index.ts'

const x509 = (name: TestCertificateName): X509Certificate =>
  new X509Certificate(testCertificate(name).cert)

describe('the test certificates', () => {
  it('chain as the tests expect: server, alt, client and expired from ca; other-server from other-ca', () => {
    const ca = x509('ca')
    const otherCa = x509('other-ca')
    for (const name of ['server', 'alt', 'client', 'expired'] as const) {
      expect(x509(name).verify(ca.publicKey), name).toBe(true)
    }
    expect(x509('other-server').verify(otherCa.publicKey)).toBe(true)
    expect(x509('other-server').verify(ca.publicKey)).toBe(false)
  })

  it('name localhost and the loopback addresses on the server certificate, alt.localhost on alt', () => {
    expect(x509('server').subjectAltName).toBe(
      'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    )
    expect(x509('alt').subjectAltName).toBe('DNS:alt.localhost')
  })

  it('are valid for decades, but the expired one, which ended in 2001', () => {
    const inTenYears = Date.now() + 10 * 365 * 24 * 3600 * 1000
    for (const name of ['ca', 'other-ca', 'server', 'alt', 'client', 'other-server'] as const) {
      expect(new Date(x509(name).validTo).getTime(), name).toBeGreaterThan(inTenYears)
    }
    expect(new Date(x509('expired').validTo).getUTCFullYear()).toBe(2001)
  })

  it('use EC keys', () => {
    expect(x509('server').publicKey.asymmetricKeyType).toBe('ec')
  })
})
