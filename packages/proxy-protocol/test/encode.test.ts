import { describe, expect, it } from 'vitest'
import {
  encodeProxyHeaderV1,
  encodeProxyHeaderV2,
  type ProxyHeaderInit,
  type ProxyIPAddress,
} from '../src/index.ts'
import { parse } from './decide.ts'
import { referenceCrc32c, tlv, u16, v2 } from './v2-bytes.ts'

const ip4 = (address: string, port: number): ProxyIPAddress => ({ family: 'IPv4', address, port })
const ip6 = (address: string, port: number): ProxyIPAddress => ({ family: 'IPv6', address, port })
const latin1 = (bytes: Uint8Array): string => String.fromCharCode(...bytes)

describe('encodeProxyHeaderV1', () => {
  it("writes the spec's example line", () => {
    const line = encodeProxyHeaderV1({
      source: ip4('192.168.0.1', 56324),
      destination: ip4('192.168.0.11', 443),
    })
    expect(latin1(line)).toBe('PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n')
  })

  it('writes PROXY UNKNOWN without addresses', () => {
    expect(latin1(encodeProxyHeaderV1({}))).toBe('PROXY UNKNOWN\r\n')
  })

  it('writes IPv6 in compressed hex only, and sends mixed families as IPv6 like HAProxy', () => {
    expect(
      latin1(encodeProxyHeaderV1({ source: ip6('::ffff:1.2.3.4', 1), destination: ip6('::1', 2) })),
    ).toBe('PROXY TCP6 ::ffff:102:304 ::1 1 2\r\n')
    expect(
      latin1(
        encodeProxyHeaderV1({ source: ip4('10.0.0.1', 1), destination: ip6('2001:DB8::1', 2) }),
      ),
    ).toBe('PROXY TCP6 ::ffff:a00:1 2001:db8::1 1 2\r\n')
  })

  it.each<[string, ProxyHeaderInit, RegExp]>([
    ['LOCAL', { command: 'local' }, /no LOCAL/],
    [
      'UDP',
      { transport: 'dgram', source: ip4('1.1.1.1', 1), destination: ip4('1.1.1.1', 1) },
      /TCP only/,
    ],
    [
      'Unix addresses',
      { source: { family: 'unix', path: '/a' }, destination: { family: 'unix', path: '/b' } },
      /Unix/,
    ],
    ['TLVs', { tlvs: [{ type: 'authority', value: 'a' }] }, /no TLVs/],
    ['a source without destination', { source: ip4('1.1.1.1', 1) }, /both/],
    [
      'a bad IPv4 address',
      { source: ip4('1.1.1.01', 1), destination: ip4('1.1.1.1', 1) },
      /source.address/,
    ],
    [
      'an IPv6 address as IPv4',
      { source: ip4('::1', 1), destination: ip4('1.1.1.1', 1) },
      /source.address/,
    ],
    [
      'a port over 65535',
      { source: ip4('1.1.1.1', 1), destination: ip4('1.1.1.1', 65536) },
      /destination.port/,
    ],
    [
      'a fractional port',
      { source: ip4('1.1.1.1', 1.5), destination: ip4('1.1.1.1', 1) },
      /source.port/,
    ],
  ])('refuses %s', (_, init, message) => {
    expect(() => encodeProxyHeaderV1(init)).toThrow(message)
  })
})

describe('encodeProxyHeaderV2', () => {
  it('writes the bytes of the spec struct', () => {
    const header = encodeProxyHeaderV2({
      source: ip4('192.168.0.1', 56324),
      destination: ip4('192.168.0.11', 443),
      tlvs: [{ type: 'authority', value: 'example.com' }],
    })
    expect(header).toEqual(
      v2(
        0x21,
        0x11,
        [192, 168, 0, 1],
        [192, 168, 0, 11],
        u16(56324),
        u16(443),
        tlv(0x02, 'example.com'),
      ),
    )
  })

  it('writes LOCAL and AF_UNSPEC as 0x20 0x00 with no address block', () => {
    expect(encodeProxyHeaderV2({ command: 'local' })).toEqual(v2(0x20, 0x00))
    expect(encodeProxyHeaderV2({})).toEqual(v2(0x21, 0x00))
  })

  it('writes UDP, IPv6 and Unix family bytes', () => {
    const udp6 = encodeProxyHeaderV2({
      transport: 'dgram',
      source: ip6('::1', 1),
      destination: ip6('::2', 2),
    })
    expect([udp6[13], udp6.length]).toEqual([0x22, 52])
    const unix = encodeProxyHeaderV2({
      source: { family: 'unix', path: '/run/a.sock' },
      destination: { family: 'unix', path: '\0abstract' },
    })
    expect([unix[13], unix.length]).toEqual([0x31, 232])
    expect(parse(unix)).toMatchObject({
      header: { source: { path: '/run/a.sock' }, destination: { path: '\0abstract' } },
    })
  })

  it('fills a CRC32C TLV with the checksum of the whole header, wherever it is in the list', () => {
    const header = encodeProxyHeaderV2({
      source: ip4('127.0.0.1', 1),
      destination: ip4('127.0.0.1', 2),
      tlvs: [
        { type: 'alpn', value: new TextEncoder().encode('h2') },
        { type: 'crc32c', value: 12345 },
      ],
    })
    const crcAt = 16 + 12 + 5 + 3
    expect(header[crcAt - 3]).toBe(0x03)
    const sent = new DataView(header.buffer).getUint32(crcAt)
    const zeroed = header.slice()
    zeroed.fill(0, crcAt, crcAt + 4)
    expect(sent).toBe(referenceCrc32c(zeroed))
  })

  it.each<[string, ProxyHeaderInit, RegExp]>([
    [
      'addresses on a LOCAL header',
      { command: 'local', source: ip4('1.1.1.1', 1), destination: ip4('1.1.1.1', 1) },
      /LOCAL/,
    ],
    ['a transport without addresses', { transport: 'stream' }, /needs addresses/],
    [
      'transport unspec with addresses',
      { transport: 'unspec', source: ip4('1.1.1.1', 1), destination: ip4('1.1.1.1', 1) },
      /stream' or 'dgram/,
    ],
    [
      'Unix mixed with IP',
      { source: { family: 'unix', path: '/a' }, destination: ip4('1.1.1.1', 1) },
      /both/,
    ],
    [
      'a Unix path over 108 bytes',
      {
        source: { family: 'unix', path: 'x'.repeat(109) },
        destination: { family: 'unix', path: '/b' },
      },
      /108/,
    ],
    [
      'a NUL inside a Unix path',
      { source: { family: 'unix', path: '/a\0b' }, destination: { family: 'unix', path: '/b' } },
      /NUL/,
    ],
    ['two CRC32C TLVs', { tlvs: [{ type: 'crc32c' }, { type: 'crc32c' }] }, /one CRC32C/],
    [
      'a UNIQUE_ID over 128 bytes',
      { tlvs: [{ type: 'unique-id', value: new Uint8Array(129) }] },
      /128/,
    ],
    [
      'a registered type as unknown',
      { tlvs: [{ type: 'unknown', code: 0x02, value: new Uint8Array(1) }] },
      /registered/,
    ],
    [
      'a TLV value over 65535 bytes',
      { tlvs: [{ type: 'noop', value: new Uint8Array(65536) }] },
      /65535/,
    ],
    [
      'a header over 65551 bytes',
      {
        tlvs: [
          { type: 'noop', value: new Uint8Array(65000) },
          { type: 'noop', value: new Uint8Array(600) },
        ],
      },
      /65551/,
    ],
    [
      'an SSL verify over 32 bits',
      {
        tlvs: [
          {
            type: 'ssl',
            value: {
              clientSSL: true,
              clientCertConnection: false,
              clientCertSession: false,
              verify: 2 ** 32,
            },
          },
        ],
      },
      /verify/,
    ],
    [
      'an unknown family',
      {
        source: { family: 'IPv5', address: '1', port: 1 } as unknown as ProxyIPAddress,
        destination: ip4('1.1.1.1', 1),
      },
      /family/,
    ],
  ])('refuses %s', (_, init, message) => {
    expect(() => encodeProxyHeaderV2(init)).toThrow(message)
  })

  it('round-trips a parsed header that carries a checksum', () => {
    const first = parse(
      encodeProxyHeaderV2({
        source: ip6('::1', 1),
        destination: ip6('::1', 2),
        tlvs: [{ type: 'crc32c' }],
      }),
    )
    expect(first.status).toBe('done')
    if (first.status === 'done') {
      expect(parse(encodeProxyHeaderV2(first.header))).toMatchObject({ header: first.header })
    }
  })
})
