import { describe, expect, it } from 'vitest'
import type { ProxyTLV } from '../src/index.ts'
import { parse, reasonOf } from './decide.ts'
import { tlv, u16, v2, withCrc } from './v2-bytes.ts'

const PROXY = 0x21
const address = [[127, 0, 0, 1], [127, 0, 0, 2], u16(40000), u16(8080)]
const text = (s: string): Uint8Array => new TextEncoder().encode(s)

/** The TLVs of a TCP4 header carrying `tlvs`, or the reason it is refused. */
function tlvsOf(...tlvs: number[][]): readonly ProxyTLV[] | string {
  const result = parse(v2(PROXY, 0x11, ...address, ...tlvs))
  return result.status === 'done' ? result.header.tlvs : reasonOf(result)
}

function ssl(client: number, verify: number, ...sub: number[][]): number[] {
  return tlv(0x20, [client, 0, 0, (verify >> 8) & 0xff, verify & 0xff, ...sub.flat()])
}

describe('version 2 TLVs', () => {
  it('decodes each registered type and keeps others raw, in wire order', () => {
    expect(
      tlvsOf(
        tlv(0x01, 'h2'),
        tlv(0x02, 'www.example.com'),
        tlv(0x04, [0, 0, 0]),
        tlv(0x05, [1, 2, 3]),
        tlv(0x30, 'blue'),
        tlv(0xea, 'vpce-0123456789'),
        tlv(0x21, [9]),
      ),
    ).toEqual([
      { type: 'alpn', value: text('h2') },
      { type: 'authority', value: 'www.example.com' },
      { type: 'noop', value: Uint8Array.of(0, 0, 0) },
      { type: 'unique-id', value: Uint8Array.of(1, 2, 3) },
      { type: 'netns', value: 'blue' },
      { type: 'unknown', code: 0xea, value: text('vpce-0123456789') },
      // An SSL subtype outside an SSL TLV is just an unknown type.
      { type: 'unknown', code: 0x21, value: Uint8Array.of(9) },
    ])
  })

  it('decodes the SSL TLV: client bits, verify, every sub-TLV, unknown sub-TLVs kept', () => {
    const value = ssl(
      0x07,
      0x0102,
      tlv(0x21, 'TLSv1.3'),
      tlv(0x22, 'client.example'),
      tlv(0x23, 'TLS_AES_128_GCM_SHA256'),
      tlv(0x24, 'RSA-SHA256'),
      tlv(0x25, 'RSA2048'),
      tlv(0x2f, [1]),
    )
    expect(tlvsOf(value)).toEqual([
      {
        type: 'ssl',
        value: {
          clientSSL: true,
          clientCertConnection: true,
          clientCertSession: true,
          verify: 0x0102,
          version: 'TLSv1.3',
          commonName: 'client.example',
          cipher: 'TLS_AES_128_GCM_SHA256',
          signatureAlgorithm: 'RSA-SHA256',
          keyAlgorithm: 'RSA2048',
          unknown: [{ type: 'unknown', code: 0x2f, value: Uint8Array.of(1) }],
        },
      },
    ])
    // HAProxy sends client 0 and no sub-TLVs when the client did not use TLS.
    expect(tlvsOf(ssl(0, 0))).toEqual([
      {
        type: 'ssl',
        value: {
          clientSSL: false,
          clientCertConnection: false,
          clientCertSession: false,
          verify: 0,
          unknown: [],
        },
      },
    ])
  })

  it('accepts a UNIQUE_ID of 128 bytes and refuses 129', () => {
    expect(tlvsOf(tlv(0x05, new Array<number>(128).fill(7)))).toHaveLength(1)
    expect(tlvsOf(tlv(0x05, new Array<number>(129).fill(7)))).toBe('bad-tlv')
  })

  it.each([
    ['one byte left after the last TLV', [0x04]],
    ['two bytes left', [0x04, 0x00]],
    ['a value running past the header', [0x04, 0x00, 0x05, 1, 2]],
    ['an SSL TLV of 4 bytes', tlv(0x20, [0, 0, 0, 0])],
    ['an SSL sub-TLV running past the SSL TLV', tlv(0x20, [1, 0, 0, 0, 0, 0x21, 0, 9, 65])],
    ['a repeated SSL sub-TLV', ssl(1, 0, tlv(0x21, 'TLSv1.2'), tlv(0x21, 'TLSv1.3'))],
    ['an AUTHORITY that is not UTF-8', tlv(0x02, [0x66, 0xff, 0x6f])],
    ['a NETNS that is not UTF-8', tlv(0x30, [0xc3])],
    ['an SSL string that is not UTF-8', ssl(1, 0, tlv(0x22, [0xed, 0xa0, 0x80]))],
    ['a CRC32C of 3 bytes', tlv(0x03, [0, 0, 0])],
  ])('refuses %s (bad-tlv)', (_, bytes) => {
    expect(tlvsOf(bytes)).toBe('bad-tlv')
  })

  it('copies a Node Buffer input into plain Uint8Arrays (Buffer#slice would share its memory)', () => {
    const input = Buffer.from(v2(PROXY, 0x11, ...address, tlv(0x05, [1, 2, 3])))
    const result = parse(input)
    input.fill(0)
    expect(result).toMatchObject({ header: { tlvs: [{ type: 'unique-id' }] } })
    if (result.status === 'done') {
      const [id] = result.header.tlvs
      expect(id?.value).toEqual(Uint8Array.of(1, 2, 3))
      expect(Buffer.isBuffer(id?.value)).toBe(false)
    }
  })

  it('copies values: changing the input afterwards changes nothing in the header', () => {
    const input = v2(PROXY, 0x11, ...address, tlv(0x01, 'h2'), tlv(0xe0, [5]))
    const result = parse(input)
    input.fill(0)
    expect(result).toMatchObject({
      header: {
        tlvs: [
          { type: 'alpn', value: text('h2') },
          { type: 'unknown', code: 0xe0, value: Uint8Array.of(5) },
        ],
      },
    })
  })
})

describe('version 2 CRC32C', () => {
  const crcAt = 16 + 12 + 3

  it('accepts a checksum computed over the whole header with its own field zeroed', () => {
    const header = withCrc(
      v2(PROXY, 0x11, ...address, tlv(0x03, [0, 0, 0, 0]), tlv(0x02, 'x.example')),
      crcAt,
    )
    const sent = new DataView(header.buffer).getUint32(crcAt)
    expect(sent).not.toBe(0)
    expect(parse(header)).toMatchObject({
      status: 'done',
      header: {
        tlvs: [
          { type: 'crc32c', value: sent },
          { type: 'authority', value: 'x.example' },
        ],
      },
    })
  })

  it('refuses a header with any byte changed after the checksum was computed', () => {
    const header = withCrc(
      v2(PROXY, 0x11, ...address, tlv(0x03, [0, 0, 0, 0]), tlv(0x02, 'x.example')),
      crcAt,
    )
    // The fixed fields are checked on their own, and a TLV's type and length may make it malformed;
    // any other byte (addresses, ports, values) is caught by the checksum alone.
    const framing = [crcAt - 3, crcAt - 2, crcAt - 1, crcAt + 4, crcAt + 5, crcAt + 6]
    for (let i = 16; i < header.length; i++) {
      const damaged = header.slice()
      damaged[i] = (damaged[i] ?? 0) ^ 0x01
      const reason = reasonOf(parse(damaged))
      expect(reason, `byte ${i}`).toMatch(
        framing.includes(i) ? /^(bad-tlv|crc-mismatch)$/ : /^crc-mismatch$/,
      )
    }
  })

  it('refuses two CRC32C TLVs', () => {
    expect(tlvsOf(tlv(0x03, [0, 0, 0, 0]), tlv(0x03, [0, 0, 0, 0]))).toBe('bad-tlv')
  })

  it('verifies a CRC32C on a LOCAL header too (HAProxy health checks with crc32c)', () => {
    const local = withCrc(v2(0x20, 0x00, tlv(0x03, [0, 0, 0, 0])), 16 + 3)
    expect(parse(local)).toMatchObject({ status: 'done', header: { command: 'local' } })
    local[local.length - 1] = (local[local.length - 1] ?? 0) ^ 0x80
    expect(reasonOf(parse(local))).toBe('crc-mismatch')
  })
})
