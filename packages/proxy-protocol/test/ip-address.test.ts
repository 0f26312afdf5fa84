import { isIPv4, isIPv6, SocketAddress } from 'node:net'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6, scanIPv4 } from '../src/ip-address.ts'
import { ipv6Bytes } from './arbitraries.ts'

/** What Node prints for an IPv6 address (libuv's inet_ntop). */
function nodeForm(address: string): string {
  return new SocketAddress({ address, family: 'ipv6' }).address
}

const hex = (b: Uint8Array): string =>
  Array.from({ length: 8 }, (_, i) =>
    (((b[2 * i] ?? 0) << 8) | (b[2 * i + 1] ?? 0)).toString(16),
  ).join(':')

describe('IPv6 formatting', () => {
  it.each([
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['0:0:0:0:0:ffff:c000:201', '::ffff:192.0.2.1'],
    ['0:0:0:0:0:0:c000:201', '::192.0.2.1'],
    ['0:0:0:0:0:0:1:0', '::0.1.0.0'],
    ['0:0:0:0:0:ffff:0:0', '::ffff:0.0.0.0'],
    ['1:0:0:2:0:0:3:4', '1::2:0:0:3:4'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['1:2:3:4:5:6:7:0', '1:2:3:4:5:6:7:0'],
    ['1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7'],
    ['fe80:0:0:0:0:0:0:0', 'fe80::'],
  ])('formats %s as %s, as Node does', (input, expected) => {
    const bytes = parseIPv6(input)
    expect(bytes).toBeDefined()
    expect(formatIPv6(bytes ?? new Uint8Array(16))).toBe(expected)
    expect(nodeForm(input)).toBe(expected)
  })

  it("prints any 16 bytes exactly as Node's net does", () => {
    fc.assert(
      fc.property(ipv6Bytes, (bytes) => {
        expect(formatIPv6(bytes)).toBe(nodeForm(hex(bytes)))
      }),
      { numRuns: 2000 },
    )
  })

  it('without embedded IPv4, prints hex groups only, which parse back to the same bytes', () => {
    fc.assert(
      fc.property(ipv6Bytes, (bytes) => {
        const text = formatIPv6(bytes, 0, false)
        expect(text).toMatch(/^[0-9a-f:]+$/)
        expect(parseIPv6(text)).toEqual(bytes)
      }),
    )
  })
})

describe('IP address parsing', () => {
  it('accepts what Node accepts as IPv6 (but zone indexes), with the same bytes', () => {
    const piece = fc.constantFrom(
      '0',
      '1',
      'a',
      'F',
      'ffff',
      '0000',
      '12345',
      ':',
      '::',
      '.',
      '1.2.3.4',
      '255',
      '01',
    )
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 12 }).map((parts) => parts.join('')),
        (text) => {
          const bytes = parseIPv6(text)
          expect(bytes != null, text).toBe(isIPv6(text))
          if (bytes != null) {
            expect(formatIPv6(bytes)).toBe(nodeForm(text))
          }
        },
      ),
      { numRuns: 5000 },
    )
    expect(parseIPv6('fe80::1%eth0')).toBeUndefined()
  })

  it('accepts what Node accepts as IPv4, and only that', () => {
    const piece = fc.constantFrom('0', '1', '9', '25', '255', '256', '01', '.', '.', 'a', ' ')
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 8 }).map((parts) => parts.join('')),
        (text) => {
          const bytes = parseIPv4(text)
          expect(bytes != null, text).toBe(isIPv4(text))
          if (bytes != null) {
            expect(formatIPv4(bytes)).toBe(text)
          }
        },
      ),
      { numRuns: 3000 },
    )
  })
})

describe('IPv4 text, read in one pass', () => {
  // The rule as a regular expression: a whole address, and a start of one (each number so far
  // without leading zeros and at most 255, the last one maybe empty).
  const octet = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])'
  const whole = new RegExp(`^${octet}\\.${octet}\\.${octet}\\.${octet}$`)
  const start = new RegExp(`^(?:${octet}\\.){0,3}${octet}?$`)
  const text = fc.string({
    unit: fc.constantFrom('0', '1', '2', '5', '9', '.', 'x'),
    maxLength: 17,
  })

  it('says address, prefix or invalid as the rule does, for any text of digits and dots', () => {
    fc.assert(
      fc.property(text, (candidate) => {
        const expected = whole.test(candidate)
          ? 'address'
          : start.test(candidate) && candidate.length <= 15
            ? 'prefix'
            : 'invalid'
        expect(scanIPv4(candidate)).toBe(expected)
        expect(parseIPv4(candidate) !== undefined).toBe(expected === 'address')
        // Node's own check agrees on whole addresses (it takes no leading zeros either).
        expect(isIPv4(candidate)).toBe(expected === 'address')
      }),
      { numRuns: 20_000 },
    )
  })

  it('gives the four numbers of an address', () => {
    expect(parseIPv4('192.0.2.255')).toEqual(new Uint8Array([192, 0, 2, 255]))
    expect(parseIPv4('0.0.0.0')).toEqual(new Uint8Array(4))
    expect(parseIPv4('1.2.3.04')).toBeUndefined()
    expect(scanIPv4('')).toBe('prefix')
    expect(scanIPv4('10.')).toBe('prefix')
    expect(scanIPv4('10..1')).toBe('invalid')
    expect(scanIPv4('1.2.3.4.')).toBe('invalid')
  })
})
