import { execFileSync, spawnSync } from 'node:child_process'
import { createPrivateKey } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { testCertificatePath } from '@wirekit/test-certificates'
import { afterAll, describe, expect, it } from 'vitest'
import { ConfigError, loadTLSFiles } from '../src/index.ts'

const folder = mkdtempSync(join(tmpdir(), 'wirekit-tls-files-'))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

const serverCert = testCertificatePath('server', 'cert')
const serverKey = testCertificatePath('server', 'key')
const ca = testCertificatePath('ca', 'cert')

function file(name: string, text: string): string {
  const path = join(folder, name)
  writeFileSync(path, text)
  return path
}

/** The message of the ConfigError `load` throws (and fails if it throws anything else). */
function configError(load: () => unknown): string {
  try {
    load()
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as Error).message
  }
  throw new Error('expected a ConfigError')
}

describe('loadTLSFiles', () => {
  it('reads a certificate, its key and a CA, and parses the certificate', () => {
    const files = loadTLSFiles({ cert: serverCert, key: serverKey, ca })
    expect(files.cert).toBe(readFileSync(serverCert, 'utf8').trim())
    expect(files.key).toBe(readFileSync(serverKey, 'utf8').trim())
    expect(files.ca).toBe(readFileSync(ca, 'utf8').trim())
    expect(files.certificate?.subject).toBe('CN=localhost')
    expect(loadTLSFiles({ ca })).toEqual({ ca: files.ca })
  })

  it('keeps every certificate of a chain file, and text around the blocks is ignored', () => {
    const chain = file(
      'chain.pem',
      `subject=CN = localhost\n${readFileSync(serverCert, 'utf8')}junk\n${readFileSync(ca, 'utf8')}`,
    )
    const files = loadTLSFiles({ cert: chain, key: serverKey })
    expect(files.cert?.match(/BEGIN CERTIFICATE/g)).toHaveLength(2)
    expect(files.cert).not.toContain('junk')
    expect(files.certificate?.subject).toBe('CN=localhost')
  })

  it('refuses a missing file and a folder, naming the option, the path and the code', () => {
    const missing = join(folder, 'nothing.pem')
    expect(configError(() => loadTLSFiles({ cert: missing, key: serverKey }))).toBe(
      `cannot read --tls-cert ${missing}: no such file or directory (ENOENT)`,
    )
    expect(configError(() => loadTLSFiles({ ca: folder }))).toBe(
      `cannot read --tls-ca ${folder}: illegal operation on a directory (EISDIR)`,
    )
    expect(configError(() => loadTLSFiles({ cert: serverCert, key: missing }))).toBe(
      `cannot read --tls-key ${missing}: no such file or directory (ENOENT)`,
    )
  })

  it('refuses files that are not PEM, or swapped', () => {
    const text = file('text.pem', 'hello\n')
    expect(configError(() => loadTLSFiles({ cert: text, key: serverKey }))).toBe(
      `--tls-cert ${text} is not a PEM certificate: no "-----BEGIN CERTIFICATE-----" block in it`,
    )
    expect(configError(() => loadTLSFiles({ cert: serverCert, key: text }))).toBe(
      `--tls-key ${text} is not a PEM private key: no "-----BEGIN PRIVATE KEY-----" block in it`,
    )
    expect(configError(() => loadTLSFiles({ cert: serverKey, key: serverCert }))).toBe(
      `--tls-cert ${serverKey} is not a PEM certificate: it holds a private key (were --tls-cert and --tls-key swapped?)`,
    )
    expect(configError(() => loadTLSFiles({ cert: serverCert, key: serverCert }))).toBe(
      `--tls-key ${serverCert} is not a PEM private key: it holds a certificate (were --tls-cert and --tls-key swapped?)`,
    )
  })

  it('refuses a PEM block whose contents are broken', () => {
    const broken = file(
      'broken.pem',
      '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n',
    )
    expect(configError(() => loadTLSFiles({ ca: broken }))).toMatch(
      new RegExp(`^--tls-ca ${broken}: certificate 1 cannot be parsed: .+`),
    )
    const brokenKey = file(
      'broken-key.pem',
      '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n',
    )
    expect(configError(() => loadTLSFiles({ cert: serverCert, key: brokenKey }))).toMatch(
      new RegExp(`^--tls-key ${brokenKey}: the key cannot be parsed: .+`),
    )
  })

  it('refuses a key that does not belong to the certificate', () => {
    const clientKey = testCertificatePath('client', 'key')
    expect(configError(() => loadTLSFiles({ cert: serverCert, key: clientKey }))).toBe(
      `--tls-key ${clientKey} does not match the certificate in --tls-cert ${serverCert}`,
    )
  })

  it('refuses an encrypted key (PKCS #8 and traditional), saying how to decrypt it', () => {
    const key = createPrivateKey(readFileSync(serverKey))
    const encrypted = { cipher: 'aes-256-cbc', passphrase: 'secret', format: 'pem' } as const
    const pkcs8 = file('pkcs8.pem', key.export({ ...encrypted, type: 'pkcs8' }).toString())
    const sec1 = file('sec1.pem', key.export({ ...encrypted, type: 'sec1' }).toString())
    for (const path of [pkcs8, sec1]) {
      expect(configError(() => loadTLSFiles({ cert: serverCert, key: path }))).toBe(
        `--tls-key ${path} is encrypted with a passphrase, which the apps do not take: decrypt it (openssl pkey -in KEY -out PLAIN)`,
      )
    }
  })

  const openssl = spawnSync('openssl', ['version']).status === 0
  if (!openssl) {
    process.stderr.write(
      'app-support: skipping the weak-key test: the openssl CLI is not installed\n',
    )
  }
  it.skipIf(!openssl)('refuses what OpenSSL refuses to use: a 512-bit RSA key', () => {
    const [cert, key] = [join(folder, 'weak-cert.pem'), join(folder, 'weak-key.pem')]
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:512',
        '-nodes',
        '-subj',
        '/CN=weak',
        '-days',
        '1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore', input: '' },
    )
    expect(configError(() => loadTLSFiles({ cert, key }))).toBe(
      `OpenSSL refuses ${cert}, ${key}: ee key too small`,
    )
  })

  it('takes cert and key only together', () => {
    expect(() => loadTLSFiles({ cert: serverCert })).toThrow(TypeError)
  })
})
