/** fast-check generators of PROXY headers as the parser reports them, for round trips and fuzzing. */
import fc from 'fast-check'
import type {
  ProxyAddress,
  ProxyHeader,
  ProxyIPAddress,
  ProxySSLInfo,
  ProxyTLV,
  ProxyUnknownTLV,
} from '../src/index.ts'
import { formatIPv4, formatIPv6 } from '../src/ip-address.ts'

const encoder = new TextEncoder()
const port = fc.integer({ min: 0, max: 65535 })
const text = fc.string({ unit: 'grapheme', maxLength: 24 })
const bytes = (maxLength: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ maxLength })

/** IPv4 text as the parser prints it. */
export const ipv4Address: fc.Arbitrary<string> = fc
  .uint8Array({ minLength: 4, maxLength: 4 })
  .map((b) => formatIPv4(b))

/** 16 bytes with long zero runs and IPv4-mapped forms as often as random ones. */
export const ipv6Bytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ minLength: 16, maxLength: 16 }),
  fc
    .array(fc.oneof(fc.constant(0), fc.constant(0xffff), fc.integer({ min: 0, max: 0xffff })), {
      minLength: 8,
      maxLength: 8,
    })
    .map((words) => {
      const b = new Uint8Array(16)
      words.forEach((w, i) => {
        b[2 * i] = w >> 8
        b[2 * i + 1] = w & 0xff
      })
      return b
    }),
  fc.uint8Array({ minLength: 4, maxLength: 4 }).map((v4) => {
    const b = new Uint8Array(16)
    b[10] = 0xff
    b[11] = 0xff
    b.set(v4, 12)
    return b
  }),
)

/** IPv6 text as the parser prints it (Node's form). */
export const ipv6Address: fc.Arbitrary<string> = ipv6Bytes.map((b) => formatIPv6(b))

const ipv4Endpoint: fc.Arbitrary<ProxyIPAddress> = fc.record({
  family: fc.constant('IPv4' as const),
  address: ipv4Address,
  port,
})
const ipv6Endpoint: fc.Arbitrary<ProxyIPAddress> = fc.record({
  family: fc.constant('IPv6' as const),
  address: ipv6Address,
  port,
})

const unixPath = text.filter((s) => !s.includes('\0') && encoder.encode(s).length <= 107)
const unixEndpoint: fc.Arbitrary<ProxyAddress> = fc.record({
  family: fc.constant('unix' as const),
  path: fc.oneof(
    unixPath,
    unixPath.filter((s) => s !== '').map((s) => `\0${s}`),
  ),
})

const unknownTLV = (reserved: readonly number[]): fc.Arbitrary<ProxyUnknownTLV> =>
  fc.record({
    type: fc.constant('unknown' as const),
    code: fc.integer({ min: 0, max: 255 }).filter((c) => !reserved.includes(c)),
    value: bytes(40),
  })

const ssl: fc.Arbitrary<ProxySSLInfo> = fc.record(
  {
    clientSSL: fc.boolean(),
    clientCertConnection: fc.boolean(),
    clientCertSession: fc.boolean(),
    verify: fc.nat({ max: 0xffffffff }),
    version: text,
    commonName: text,
    cipher: text,
    signatureAlgorithm: text,
    keyAlgorithm: text,
    unknown: fc.array(unknownTLV([0x21, 0x22, 0x23, 0x24, 0x25]), { maxLength: 2 }),
  },
  { requiredKeys: ['clientSSL', 'clientCertConnection', 'clientCertSession', 'verify', 'unknown'] },
)

/** One TLV of any kind but CRC32C. */
export const tlv: fc.Arbitrary<ProxyTLV> = fc.oneof(
  fc.record({ type: fc.constant('alpn' as const), value: bytes(16) }),
  fc.record({ type: fc.constant('authority' as const), value: text }),
  fc.record({ type: fc.constant('noop' as const), value: bytes(8) }),
  fc.record({ type: fc.constant('unique-id' as const), value: bytes(128) }),
  fc.record({ type: fc.constant('ssl' as const), value: ssl }),
  fc.record({ type: fc.constant('netns' as const), value: text }),
  unknownTLV([0x01, 0x02, 0x03, 0x04, 0x05, 0x20, 0x30]),
)

/** TLVs in any order, with at most one CRC32C (its value is whatever the encoder computes). */
export const tlvs: fc.Arbitrary<ProxyTLV[]> = fc
  .tuple(fc.array(tlv, { maxLength: 5 }), fc.option(fc.nat({ max: 5 }), { nil: undefined }))
  .map(([list, crcAt]) => {
    if (crcAt === undefined) {
      return list
    }
    const withCrc: ProxyTLV[] = [...list]
    withCrc.splice(Math.min(crcAt, list.length), 0, { type: 'crc32c', value: 0 })
    return withCrc
  })

/** Version 1 headers: TCP4, TCP6 or UNKNOWN. */
export const headerV1: fc.Arbitrary<ProxyHeader> = fc.oneof(
  ...[ipv4Endpoint, ipv6Endpoint].map((endpoint) =>
    fc.tuple(endpoint, endpoint).map(([source, destination]): ProxyHeader => ({
      version: 1,
      command: 'proxy',
      family: source.family,
      transport: 'stream',
      source,
      destination,
      tlvs: [],
    })),
  ),
  fc.constant<ProxyHeader>({
    version: 1,
    command: 'proxy',
    family: 'unspec',
    transport: 'unspec',
    source: undefined,
    destination: undefined,
    tlvs: [],
  }),
)

/** Version 2 headers: PROXY over every family and transport, PROXY UNSPEC and LOCAL; with TLVs. */
export const headerV2: fc.Arbitrary<ProxyHeader> = fc.oneof(
  ...[ipv4Endpoint, ipv6Endpoint, unixEndpoint].map((endpoint) =>
    fc
      .record({
        version: fc.constant(2 as const),
        command: fc.constant('proxy' as const),
        transport: fc.constantFrom('stream' as const, 'dgram' as const),
        ends: fc.tuple(endpoint, endpoint),
        tlvs,
      })
      .map(({ ends: [source, destination], ...rest }): ProxyHeader => ({
        ...rest,
        family: source.family,
        source,
        destination,
      })),
  ),
  fc.record({
    version: fc.constant(2 as const),
    command: fc.constantFrom('proxy' as const, 'local' as const),
    family: fc.constant('unspec' as const),
    transport: fc.constant('unspec' as const),
    source: fc.constant(undefined),
    destination: fc.constant(undefined),
    tlvs,
  }),
)

/** The header a parse of its encoding must give: a CRC32C's value is whatever was computed. */
export function expectedAfterParse(header: ProxyHeader, computedCrc: () => unknown): ProxyHeader {
  return {
    ...header,
    tlvs: header.tlvs.map((t) =>
      t.type === 'crc32c' ? ({ ...t, value: computedCrc() } as ProxyTLV) : t,
    ),
  }
}
