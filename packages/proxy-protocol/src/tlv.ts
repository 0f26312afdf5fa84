/** The registered TLV type codes of doc/proxy-protocol.txt, section 2.2. */
export const TLV_TYPE = {
  alpn: 0x01,
  authority: 0x02,
  crc32c: 0x03,
  noop: 0x04,
  uniqueId: 0x05,
  ssl: 0x20,
  netns: 0x30,
} as const

/** The sub-TLV type codes inside a PP2_TYPE_SSL TLV. */
export const SSL_SUBTYPE = {
  version: 0x21,
  commonName: 0x22,
  cipher: 0x23,
  signatureAlgorithm: 0x24,
  keyAlgorithm: 0x25,
} as const

/** The bits of the SSL TLV's `client` field. */
export const SSL_CLIENT = { ssl: 0x01, certConnection: 0x02, certSession: 0x04 } as const

/** The longest UNIQUE_ID value the spec allows. */
export const MAX_UNIQUE_ID_LENGTH = 128

/** A TLV whose type this package does not interpret, kept as it came. */
export interface ProxyUnknownTLV {
  /** Always `'unknown'`. */
  readonly type: 'unknown'
  /** The type byte, 0 to 255 (0xE0 to 0xEF are for applications, such as AWS's 0xEA). */
  readonly code: number
  /** The value, copied out of the received bytes. */
  readonly value: Uint8Array
}

/**
 * What the PP2_TYPE_SSL TLV says about the client's TLS connection to the proxy.
 * @example
 * ```ts
 * const ssl = header.tlvs.find((tlv) => tlv.type === 'ssl')?.value
 * if (ssl?.clientSSL === true) console.log(ssl.version, ssl.cipher)
 * ```
 */
export interface ProxySSLInfo {
  /** PP2_CLIENT_SSL: the client connected over TLS. */
  readonly clientSSL: boolean
  /** PP2_CLIENT_CERT_CONN: the client presented a certificate on this connection. */
  readonly clientCertConnection: boolean
  /** PP2_CLIENT_CERT_SESS: the client presented a certificate at least once in this TLS session. */
  readonly clientCertSession: boolean
  /** 0 when the client presented a certificate that was verified, non-zero otherwise. */
  readonly verify: number
  /** PP2_SUBTYPE_SSL_VERSION, such as `'TLSv1.3'`. */
  readonly version?: string
  /** PP2_SUBTYPE_SSL_CN: the Common Name of the client certificate's subject. */
  readonly commonName?: string
  /** PP2_SUBTYPE_SSL_CIPHER, such as `'ECDHE-RSA-AES128-GCM-SHA256'`. */
  readonly cipher?: string
  /** PP2_SUBTYPE_SSL_SIG_ALG: how the proxy's certificate is signed, such as `'RSA-SHA256'`. */
  readonly signatureAlgorithm?: string
  /** PP2_SUBTYPE_SSL_KEY_ALG: the proxy certificate's key, such as `'RSA2048'`. */
  readonly keyAlgorithm?: string
  /** Sub-TLVs of other types, in wire order. */
  readonly unknown: readonly ProxyUnknownTLV[]
}

/**
 * A registered TLV: its name and its decoded value.
 * @typeParam TType - The TLV's name.
 * @typeParam TValue - The type of its value.
 */
export interface ProxyTLVOf<TType extends string, TValue> {
  /** The TLV's name, for the registered types of the spec. */
  readonly type: TType
  /** The decoded value. */
  readonly value: TValue
}

/**
 * One version 2 TLV, decoded where the spec defines it. Strings are UTF-8 (a TLV whose string is
 * not valid UTF-8 makes the header invalid); byte values are copies, never views of the input.
 *
 * - `alpn` (PP2_TYPE_ALPN): the negotiated application protocol, such as the bytes of `h2`.
 * - `authority` (PP2_TYPE_AUTHORITY): the host name the client asked for (TLS SNI).
 * - `crc32c` (PP2_TYPE_CRC32C): the header's checksum, already verified when the header parsed.
 * - `noop` (PP2_TYPE_NOOP): padding, to be ignored.
 * - `unique-id` (PP2_TYPE_UNIQUE_ID): an opaque connection id of up to 128 bytes.
 * - `ssl` (PP2_TYPE_SSL): the client's TLS connection to the proxy.
 * - `netns` (PP2_TYPE_NETNS): the name of the network namespace.
 * - `unknown`: any other type, raw.
 * @example
 * ```ts
 * const sni = header.tlvs.find((tlv) => tlv.type === 'authority')?.value
 * ```
 */
export type ProxyTLV =
  | ProxyTLVOf<'alpn', Uint8Array>
  | ProxyTLVOf<'authority', string>
  | ProxyTLVOf<'crc32c', number>
  | ProxyTLVOf<'noop', Uint8Array>
  | ProxyTLVOf<'unique-id', Uint8Array>
  | ProxyTLVOf<'ssl', ProxySSLInfo>
  | ProxyTLVOf<'netns', string>
  | ProxyUnknownTLV

/** The `type` names of {@link ProxyTLV}. */
export type ProxyTLVType = ProxyTLV['type']

/** A CRC32C TLV to encode: a placeholder, filled in with the checksum of the whole header. */
export interface ProxyCRC32CInit {
  /** Always `'crc32c'`. */
  readonly type: 'crc32c'
  /** Ignored: the encoder computes it (a parsed header's value is accepted as is). */
  readonly value?: number
}

/** An SSL TLV's value to encode: {@link ProxySSLInfo}, where `unknown` may be left out. */
export interface ProxySSLInfoInit extends Omit<ProxySSLInfo, 'unknown'> {
  /** Sub-TLVs of other types, written after the known ones. */
  readonly unknown?: readonly ProxyUnknownTLV[]
}

/**
 * A TLV to encode: a {@link ProxyTLV}, where a CRC32C is a placeholder whose value the encoder
 * computes, and an SSL TLV may leave out `unknown`.
 */
export type ProxyTLVInit =
  | Exclude<ProxyTLV, ProxyTLVOf<'crc32c', number> | ProxyTLVOf<'ssl', ProxySSLInfo>>
  | ProxyCRC32CInit
  | ProxyTLVOf<'ssl', ProxySSLInfoInit>
