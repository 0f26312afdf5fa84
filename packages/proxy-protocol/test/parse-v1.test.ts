import { describe, expect, it } from 'vitest'
import type { ProxyHeader } from '../src/index.ts'
import { bytes, decidedAt, parse, reasonOf } from './decide.ts'

function tcp(
  family: 'IPv4' | 'IPv6',
  src: string,
  dst: string,
  sport: number,
  dport: number,
): ProxyHeader {
  return {
    version: 1,
    command: 'proxy',
    family,
    transport: 'stream',
    source: { family, address: src, port: sport },
    destination: { family, address: dst, port: dport },
    tlvs: [],
  }
}

const unknown: ProxyHeader = {
  version: 1,
  command: 'proxy',
  family: 'unspec',
  transport: 'unspec',
  source: undefined,
  destination: undefined,
  tlvs: [],
}

describe('version 1: the spec examples', () => {
  it('parses the example line before an HTTP request and leaves the request as the rest', () => {
    const request = 'GET / HTTP/1.1\r\nHost: 192.168.0.11\r\n\r\n'
    const result = parse(`PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n${request}`)
    expect(result).toEqual({
      status: 'done',
      header: tcp('IPv4', '192.168.0.1', '192.168.0.11', 56324, 443),
      headerLength: 47,
      consumed: 47,
      rest: bytes(request),
    })
  })

  it('accepts each of the spec maximum lines, the 107-byte worst case included', () => {
    const v4 = 'PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n'
    const f = 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'
    const v6 = `PROXY TCP6 ${f} ${f} 65535 65535\r\n`
    const worst = `PROXY UNKNOWN ${f} ${f} 65535 65535\r\n`
    expect([v4.length, v6.length, worst.length]).toEqual([56, 104, 107])
    expect(parse(v4)).toMatchObject({
      status: 'done',
      header: tcp('IPv4', '255.255.255.255', '255.255.255.255', 65535, 65535),
      headerLength: 56,
    })
    expect(parse(v6)).toMatchObject({
      status: 'done',
      header: tcp('IPv6', f, f, 65535, 65535),
      headerLength: 104,
    })
    expect(parse(worst)).toMatchObject({ status: 'done', header: unknown, headerLength: 107 })
    expect(parse('PROXY UNKNOWN\r\n')).toMatchObject({
      status: 'done',
      header: unknown,
      headerLength: 15,
    })
  })

  it('declares a line without CRLF in its first 107 bytes too long, at byte 107', () => {
    const long = `PROXY UNKNOWN ${'x'.repeat(200)}\r\n`
    expect(decidedAt(long)).toMatchObject({ at: 107, result: { reason: 'too-long' } })
    // 108 bytes with its CRLF: one too many.
    const line108 = `PROXY UNKNOWN ${'x'.repeat(92)}\r\n`
    expect(line108.length).toBe(108)
    expect(reasonOf(parse(line108))).toBe('too-long')
  })

  it('ignores whatever UNKNOWN is followed by, up to CRLF', () => {
    expect(parse('PROXY UNKNOWN 1.2.3.4 not even an address 99999\r\n')).toMatchObject({
      status: 'done',
      header: unknown,
    })
  })
})

describe('version 1: addresses and ports', () => {
  it('reports IPv6 as Node prints it, whatever the case and compression on the wire', () => {
    const result = parse('PROXY TCP6 0:0:0:0:0:0:0:1 2001:DB8:0:0:0:0:0:A 1 2\r\n')
    expect(result).toMatchObject({ header: tcp('IPv6', '::1', '2001:db8::a', 1, 2) })
    // inet_ntop (HAProxy's sender) writes IPv4-mapped addresses with dotted IPv4.
    expect(parse('PROXY TCP6 ::ffff:127.0.0.1 ::FFFF:7F00:2 1 2\r\n')).toMatchObject({
      header: tcp('IPv6', '::ffff:127.0.0.1', '::ffff:127.0.0.2', 1, 2),
    })
  })

  it.each([
    ['a leading zero in IPv4', 'PROXY TCP4 192.168.0.01 1.2.3.4 1 2\r\n', 'bad-address', 23],
    ['an octet over 255', 'PROXY TCP4 1.2.3.256 1.2.3.4 1 2\r\n', 'bad-address', 20],
    ['three octets', 'PROXY TCP4 1.2.3 1.2.3.4 1 2\r\n', 'bad-address', 17],
    ['five octets', 'PROXY TCP4 1.2.3.4.5 1.2.3.4 1 2\r\n', 'bad-address', 19],
    ['IPv6 under TCP4', 'PROXY TCP4 ::1 1.2.3.4 1 2\r\n', 'bad-address', 12],
    ['IPv4 under TCP6', 'PROXY TCP6 1.2.3.4 ::1 1 2\r\n', 'bad-address', 19],
    ['two ::', 'PROXY TCP6 1::2::3 ::1 1 2\r\n', 'bad-address', 19],
    ['a zone index', 'PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n', 'bad-address', 19],
    ['a leading zero in a port', 'PROXY TCP4 1.2.3.4 1.2.3.4 01 2\r\n', 'bad-port', 29],
    ['a port over 65535', 'PROXY TCP4 1.2.3.4 1.2.3.4 65536 2\r\n', 'bad-port', 32],
    ['a signed port', 'PROXY TCP4 1.2.3.4 1.2.3.4 +1 2\r\n', 'bad-port', 28],
    ['no destination port', 'PROXY TCP4 1.2.3.4 1.2.3.4 1\r\n', 'bad-line', 29],
    ['an empty port', 'PROXY TCP4 1.2.3.4 1.2.3.4 1 \r\n', 'bad-port', 30],
  ])('refuses %s at the first byte that shows it', (_, line, reason, at) => {
    expect(decidedAt(line)).toMatchObject({ at, result: { status: 'invalid', reason } })
  })

  it('accepts port 0 and the address 0.0.0.0', () => {
    expect(parse('PROXY TCP4 0.0.0.0 10.0.0.1 0 0\r\n')).toMatchObject({
      header: tcp('IPv4', '0.0.0.0', '10.0.0.1', 0, 0),
    })
  })
})

describe('version 1: the line itself', () => {
  it.each([
    ['a first byte that is neither P nor CR', 'GET / HTTP/1.1\r\n', 'bad-signature', 1],
    ['PROXY without its space', 'PROXY\tTCP4', 'bad-signature', 6],
    ['lower case', 'proxy TCP4', 'bad-signature', 1],
    ['an unknown protocol', 'PROXY TCP5 1.2.3.4', 'bad-family', 10],
    ['UDP4 (U could start UNKNOWN)', 'PROXY UDP4 1.2.3.4', 'bad-family', 8],
    ['two spaces after PROXY', 'PROXY  TCP4', 'bad-family', 7],
    ['two spaces between fields', 'PROXY TCP4 1.2.3.4  1.2.3.4 1 2\r\n', 'bad-address', 20],
    ['TCP4 followed by CRLF', 'PROXY TCP4\r\n', 'bad-line', 11],
    ['UNKNOWN glued to more', 'PROXY UNKNOWNS\r\n', 'bad-family', 14],
    ['a lone LF ending the line', 'PROXY TCP4 1.2.3.4 1.2.3.4 1 2\n', 'bad-line', 31],
    ['a lone CR ending the line', 'PROXY TCP4 1.2.3.4 1.2.3.4 1 2\rX', 'bad-line', 32],
    ['a lone LF after UNKNOWN', 'PROXY UNKNOWN\n', 'bad-line', 14],
    ['a control byte after UNKNOWN', 'PROXY UNKNOWN \t\r\n', 'bad-line', 15],
    ['a non-ASCII byte after UNKNOWN', 'PROXY UNKNOWN \u00e9\r\n', 'bad-line', 15],
    ['a space before CRLF', 'PROXY TCP4 1.2.3.4 1.2.3.4 1 2 \r\n', 'bad-line', 31],
  ])('refuses %s as soon as it shows', (_, line, reason, at) => {
    expect(decidedAt(line)).toMatchObject({ at, result: { status: 'invalid', reason } })
  })

  it('waits for the LF after the CR, then stops: the protocol starts right after', () => {
    const line = 'PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n'
    expect(decidedAt(line)).toMatchObject({ at: line.length, result: { status: 'done' } })
    expect(parse(`${line}\r\nmore`)).toMatchObject({
      consumed: line.length,
      rest: bytes('\r\nmore'),
    })
  })

  it('bounds lines by maxHeaderSize when it is under 107', () => {
    const line = 'PROXY TCP4 192.168.100.100 192.168.100.101 1 2\r\n'
    expect(decidedAt(line, { maxHeaderSize: 40 })).toMatchObject({
      at: 40,
      result: { reason: 'too-long' },
    })
    expect(parse(line, { maxHeaderSize: line.length }).status).toBe('done')
  })

  it('refuses a version 1 line at its first byte when only version 2 is accepted', () => {
    expect(decidedAt('PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n', { versions: [2] })).toMatchObject({
      at: 1,
      result: { reason: 'version-not-allowed' },
    })
  })
})
