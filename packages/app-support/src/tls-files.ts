import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createSecureContext } from 'node:tls'
import { ConfigError } from './config-error.ts'

/** The PEM files the apps take: `--tls-cert` and `--tls-key` (together), `--tls-ca`. */
export interface TLSFilePaths {
  /** `--tls-cert`: this side's certificate, optionally followed by its chain. */
  readonly cert?: string | undefined
  /** `--tls-key`: the private key of that certificate, unencrypted. */
  readonly key?: string | undefined
  /** `--tls-ca`: the CA certificates that the peer's certificate must chain to. */
  readonly ca?: string | undefined
}

/** The files' text, checked, ready for the `tls` options of the transports. */
export interface TLSFiles {
  readonly cert?: string
  readonly key?: string
  readonly ca?: string
  /** This side's certificate (the first in `--tls-cert`), parsed: for the log. */
  readonly certificate?: X509Certificate
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g

/** The PEM blocks of a file, with their labels (`CERTIFICATE`, `PRIVATE KEY`, ...). */
function pemBlocks(text: string): { label: string; pem: string }[] {
  return [...text.matchAll(PEM_BLOCK)].map((match) => ({ label: match[1] ?? '', pem: match[0] }))
}

/** OpenSSL's short reason when it gives one (`'ee key too small'`), else the message. */
function reasonOf(error: unknown): string {
  const { reason } = (typeof error === 'object' && error != null ? error : {}) as {
    reason?: unknown
  }
  if (typeof reason === 'string' && reason !== '') {
    return reason
  }
  return error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error)
}

/** A file system error as one clause: `no such file or directory (ENOENT)`. */
function systemReason(error: unknown): string {
  const { code } = (typeof error === 'object' && error != null ? error : {}) as { code?: unknown }
  const message = error instanceof Error ? error.message : String(error)
  // Node writes them `ENOENT: no such file or directory, open '/x'`.
  const described = /^[A-Z]+: ([^,]+),/.exec(message)?.[1] ?? message
  return typeof code === 'string' ? `${described} (${code})` : described
}

function readOptionFile(option: string, path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    throw new ConfigError(`cannot read ${option} ${path}: ${systemReason(error)}`, {
      cause: error,
    })
  }
}

/** The certificates of a PEM file, each parsed; at least one. */
function readCertificates(option: string, path: string): { pem: string; first: X509Certificate } {
  const text = readOptionFile(option, path)
  const blocks = pemBlocks(text)
  const certificates = blocks.filter((block) => block.label === 'CERTIFICATE')
  const [firstBlock] = certificates
  if (firstBlock === undefined) {
    const hint = blocks.some((block) => block.label.endsWith('PRIVATE KEY'))
      ? ': it holds a private key (were --tls-cert and --tls-key swapped?)'
      : ': no "-----BEGIN CERTIFICATE-----" block in it'
    throw new ConfigError(`${option} ${path} is not a PEM certificate${hint}`)
  }
  const parse = (pem: string, index: number): X509Certificate => {
    try {
      return new X509Certificate(pem)
    } catch (error) {
      throw new ConfigError(
        `${option} ${path}: certificate ${index + 1} cannot be parsed: ${reasonOf(error)}`,
        { cause: error },
      )
    }
  }
  const first = parse(firstBlock.pem, 0)
  certificates.slice(1).forEach(({ pem }, index) => parse(pem, index + 1))
  return { pem: certificates.map(({ pem }) => pem).join('\n'), first }
}

/** The private key of a PEM file, unencrypted. */
function readPrivateKey(option: string, path: string): { pem: string; key: KeyObject } {
  const text = readOptionFile(option, path)
  const blocks = pemBlocks(text)
  const block = blocks.find((candidate) => candidate.label.endsWith('PRIVATE KEY'))
  if (block === undefined) {
    const hint = blocks.some((candidate) => candidate.label === 'CERTIFICATE')
      ? ': it holds a certificate (were --tls-cert and --tls-key swapped?)'
      : ': no "-----BEGIN PRIVATE KEY-----" block in it'
    throw new ConfigError(`${option} ${path} is not a PEM private key${hint}`)
  }
  if (block.label === 'ENCRYPTED PRIVATE KEY' || block.pem.includes('Proc-Type: 4,ENCRYPTED')) {
    throw new ConfigError(
      `${option} ${path} is encrypted with a passphrase, which the apps do not take: decrypt it (openssl pkey -in KEY -out PLAIN)`,
    )
  }
  try {
    return { pem: block.pem, key: createPrivateKey(block.pem) }
  } catch (error) {
    throw new ConfigError(`${option} ${path}: the key cannot be parsed: ${reasonOf(error)}`, {
      cause: error,
    })
  }
}

/**
 * Reads and checks the TLS files of a command line before anything is opened, so that each
 * mistake is one clear line (a {@link ConfigError}: exit 2) rather than a failure at the first
 * handshake: a file missing or unreadable, not PEM, a certificate and key swapped, an encrypted
 * key, a key that does not belong to the certificate, or files OpenSSL refuses (a key too small).
 * @throws ConfigError naming the option and the file.
 * @throws TypeError when only one of `cert` and `key` is given (the command line checks that).
 * @example
 * ```ts
 * const { cert, key } = loadTLSFiles({ cert: 'server-cert.pem', key: 'server-key.pem' })
 * ```
 */
export function loadTLSFiles(paths: TLSFilePaths): TLSFiles {
  if ((paths.cert === undefined) !== (paths.key === undefined)) {
    throw new TypeError('loadTLSFiles() takes cert and key together')
  }
  let files: TLSFiles = {}
  if (paths.cert !== undefined && paths.key !== undefined) {
    const certificates = readCertificates('--tls-cert', paths.cert)
    const { pem: key, key: keyObject } = readPrivateKey('--tls-key', paths.key)
    if (!certificates.first.checkPrivateKey(keyObject)) {
      throw new ConfigError(
        `--tls-key ${paths.key} does not match the certificate in --tls-cert ${paths.cert}`,
      )
    }
    files = { cert: certificates.pem, key, certificate: certificates.first }
  }
  if (paths.ca !== undefined) {
    files = { ...files, ca: readCertificates('--tls-ca', paths.ca).pem }
  }
  try {
    createSecureContext({ cert: files.cert, key: files.key, ca: files.ca })
  } catch (error) {
    const given = [paths.cert, paths.key, paths.ca].filter((path) => path !== undefined)
    throw new ConfigError(`OpenSSL refuses ${given.join(', ')}: ${reasonOf(error)}`, {
      cause: error,
    })
  }
  return files
}
