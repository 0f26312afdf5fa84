import { describe, expect, it } from 'vitest'
import type { ProxyHeader } from '../src/index.ts'
import { decidedAt, parse } from './decide.ts'
import { SIGNATURE, tlv, u16, v2 } from './v2-bytes.ts'

const PROXY = 0x21
const LOCAL = 0x20

function path(text: string): Uint8Array {
  const field = new Uint8Array(108)
  field.set(new TextEncoder().encode(text))
  return field
}

describe('version 2: address blocks', () => {
  it('parses TCP over IPv4 (0x11, 12 bytes)', () => {
    const header = v2(PROXY, 0x11, [192, 168, 0, 1], [192, 168, 0, 11], u16(56324), u16(443))
    expect(parse(header)).toEqual({
      status: 'done',
      header: {
        version: 2,
        command: 'proxy',
        family: 'IPv4',
        transport: 'stream',
        source: { family: 'IPv4', address: '192.168.0.1', port: 56324 },
        destination: { family: 'IPv4', address: '192.168.0.11', port: 443 },
        tlvs: [],
      } satisfies ProxyHeader,
      headerLength: 28,
      consumed: 28,
      rest: new Uint8Array(0),
    })
  })

  it('parses UDP over IPv4 (0x12) as transport dgram', () => {
    const header = v2(PROXY, 0x12, [10, 0, 0, 1], [10, 0, 0, 2], u16(53), u16(5353))
    expect(parse(header)).toMatchObject({
      header: {
        family: 'IPv4',
        transport: 'dgram',
        source: { port: 53 },
        destination: { port: 5353 },
      },
    })
  })

  it('parses TCP and UDP over IPv6 (0x21, 0x22, 36 bytes), formatting addresses as Node does', () => {
    const mapped = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 203, 0, 113, 9]
    const loopback = [...new Array<number>(15).fill(0), 1]
    for (const [byte, transport] of [
      [0x21, 'stream'],
      [0x22, 'dgram'],
    ] as const) {
      expect(parse(v2(PROXY, byte, mapped, loopback, u16(1), u16(65535)))).toMatchObject({
        header: {
          family: 'IPv6',
          transport,
          source: { family: 'IPv6', address: '::ffff:203.0.113.9', port: 1 },
          destination: { family: 'IPv6', address: '::1', port: 65535 },
        },
        headerLength: 52,
      })
    }
  })

  it('parses Unix stream and datagram addresses (0x31, 0x32, 2 x 108 bytes), abstract names too', () => {
    const abstract = path('\0wirekit')
    expect(parse(v2(PROXY, 0x31, path('/run/haproxy.sock'), abstract))).toMatchObject({
      header: {
        family: 'unix',
        transport: 'stream',
        source: { family: 'unix', path: '/run/haproxy.sock' },
        destination: { family: 'unix', path: '\0wirekit' },
      },
      headerLength: 232,
    })
    expect(parse(v2(PROXY, 0x32, path(''), path('/tmp/s')))).toMatchObject({
      header: { transport: 'dgram', source: { path: '' }, destination: { path: '/tmp/s' } },
    })
  })

  it('parses LOCAL (health checks): no addresses, whatever the family says; the block is skipped', () => {
    const local = {
      version: 2,
      command: 'local',
      family: 'unspec',
      transport: 'unspec',
      source: undefined,
      destination: undefined,
    }
    expect(parse(v2(LOCAL, 0x00))).toMatchObject({
      header: { ...local, tlvs: [] },
      headerLength: 16,
    })
    // "must not assume zero is presented for LOCAL": a block is skipped, TLVs follow it.
    const withBlock = v2(
      LOCAL,
      0x11,
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      u16(1),
      u16(2),
      tlv(0x02, 'a.example'),
    )
    expect(parse(withBlock)).toMatchObject({
      header: { ...local, tlvs: [{ type: 'authority', value: 'a.example' }] },
      headerLength: 16 + 12 + 12,
    })
  })

  it('parses PROXY with AF_UNSPEC: no addresses, TLVs straight after the 16 bytes', () => {
    expect(parse(v2(PROXY, 0x00, tlv(0x01, 'h2')))).toMatchObject({
      header: {
        command: 'proxy',
        family: 'unspec',
        transport: 'unspec',
        source: undefined,
        tlvs: [{ type: 'alpn', value: new TextEncoder().encode('h2') }],
      },
    })
  })

  it('consumes exactly 16 + len bytes: the rest is the protocol data', () => {
    const header = v2(PROXY, 0x11, [1, 1, 1, 1], [2, 2, 2, 2], u16(1), u16(2))
    const input = Uint8Array.from([...header, 0x16, 0x03, 0x01])
    expect(parse(input)).toMatchObject({ consumed: 28, rest: Uint8Array.of(0x16, 0x03, 0x01) })
  })
})

describe('version 2: refused as early as the bytes allow', () => {
  const tcp4 = (versionCommand: number, family: number): Uint8Array =>
    v2(versionCommand, family, [1, 2, 3, 4], [5, 6, 7, 8], u16(1), u16(2))

  it.each([
    ['version 1 in the version nibble', tcp4(0x11, 0x11), 'bad-version', 13],
    ['version 3', tcp4(0x31, 0x11), 'bad-version', 13],
    ['an unassigned command', tcp4(0x22, 0x11), 'bad-command', 13],
    ['command 15', tcp4(0x2f, 0x11), 'bad-command', 13],
    ['an unassigned family', tcp4(PROXY, 0x41), 'bad-family', 14],
    ['an unassigned protocol', tcp4(PROXY, 0x13), 'bad-family', 14],
    ['INET with UNSPEC protocol (not a listed pair)', tcp4(PROXY, 0x10), 'bad-family', 14],
    ['LOCAL with an unassigned family', tcp4(LOCAL, 0x51), 'bad-family', 14],
    ['a length shorter than the IPv4 block', v2(PROXY, 0x11, [1, 2, 3, 4]), 'bad-address', 16],
    [
      'a length shorter than the IPv6 block',
      v2(PROXY, 0x21, new Array<number>(35).fill(0)),
      'bad-address',
      16,
    ],
    [
      'a length shorter than the Unix block',
      v2(PROXY, 0x31, new Array<number>(215).fill(0)),
      'bad-address',
      16,
    ],
  ])('refuses %s', (_, input, reason, at) => {
    expect(decidedAt(input)).toMatchObject({ at, result: { status: 'invalid', reason } })
  })

  it('refuses a signature that goes wrong at its 8th byte there, and CR LF alone is not enough', () => {
    expect(decidedAt(Uint8Array.from([...SIGNATURE.slice(0, 7), 0x52]))).toMatchObject({
      at: 8,
      result: { reason: 'bad-signature' },
    })
    expect(decidedAt('\r\nGET / HTTP/1.1')).toMatchObject({
      at: 3,
      result: { reason: 'bad-signature' },
    })
  })

  it('refuses a length over maxHeaderSize when the length arrives, not after reading it all', () => {
    const big = v2(PROXY, 0x00, tlv(0x04, new Uint8Array(5000)))
    expect(decidedAt(big)).toMatchObject({ at: 16, result: { reason: 'too-long' } })
    const exact = v2(PROXY, 0x00, tlv(0x04, new Uint8Array(100)))
    expect(parse(exact, { maxHeaderSize: exact.length }).status).toBe('done')
    expect(decidedAt(exact, { maxHeaderSize: exact.length - 1 })).toMatchObject({
      at: 16,
      result: { reason: 'too-long' },
    })
  })

  it('refuses version 2 at its first byte when only version 1 is accepted', () => {
    expect(decidedAt(v2(LOCAL, 0x00), { versions: [1] })).toMatchObject({
      at: 1,
      result: { reason: 'version-not-allowed' },
    })
  })

  it('waits for the whole announced length before parsing addresses', () => {
    const header = v2(PROXY, 0x21, new Array<number>(36).fill(0))
    expect(decidedAt(header)).toMatchObject({ at: 52, result: { status: 'done' } })
  })
})
