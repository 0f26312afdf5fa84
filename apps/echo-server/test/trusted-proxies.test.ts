import { describe, expect, it } from 'vitest'
import { UsageError } from '@wirekit/app-support'
import {
  describeTrustedProxies,
  parseTrustedProxy,
  trustedProxyList,
} from '../src/trusted-proxies.ts'

describe('parseTrustedProxy', () => {
  it('takes one address (a whole-address prefix) or a CIDR range, of either family', () => {
    expect(parseTrustedProxy('127.0.0.1')).toEqual({
      address: '127.0.0.1',
      prefix: 32,
      family: 'ipv4',
    })
    expect(parseTrustedProxy('::1')).toEqual({ address: '::1', prefix: 128, family: 'ipv6' })
    expect(parseTrustedProxy('10.0.0.0/8')).toEqual({
      address: '10.0.0.0',
      prefix: 8,
      family: 'ipv4',
    })
    expect(parseTrustedProxy('0.0.0.0/0').prefix).toBe(0)
    expect(parseTrustedProxy('fd00::/128').prefix).toBe(128)
  })

  it.each([
    '',
    'localhost',
    '10.0.0.0/',
    '10.0.0.0/33',
    '::/129',
    '10.0.0.0/8/8',
    '10.0.0.0/-1',
    '10.0.0.0/ 8',
    '10.0.0.0/1e1',
    '/8',
    '300.1.1.1',
    '10.0.0.1 ',
  ])('refuses %j', (value) => {
    expect(() => parseTrustedProxy(value)).toThrow(
      new UsageError(
        `--trusted-proxy must be an IP address or a CIDR range such as 10.0.0.0/8 or fd00::/8, got ${JSON.stringify(value)}`,
      ),
    )
  })
})

describe('trustedProxyList', () => {
  const list = trustedProxyList(
    ['127.0.0.1', '10.0.0.0/8', 'fd00::/8'].map((value) => parseTrustedProxy(value)),
  )

  it('trusts the addresses and ranges given, and nothing else', () => {
    expect(list.check('127.0.0.1', 'ipv4')).toBe(true)
    expect(list.check('127.0.0.2', 'ipv4')).toBe(false)
    expect(list.check('10.255.0.9', 'ipv4')).toBe(true)
    expect(list.check('11.0.0.1', 'ipv4')).toBe(false)
    expect(list.check('fd12::1', 'ipv6')).toBe(true)
    expect(list.check('fe80::1', 'ipv6')).toBe(false)
    expect(list.check('::1', 'ipv6')).toBe(false)
  })

  it('trusts an IPv4 range in its IPv6-mapped form too (a server listening on ::)', () => {
    expect(list.check('::ffff:10.1.2.3', 'ipv6')).toBe(true)
    expect(list.check('::ffff:11.1.2.3', 'ipv6')).toBe(false)
  })
})

describe('describeTrustedProxies', () => {
  it('writes single addresses without their prefix', () => {
    expect(
      describeTrustedProxies(['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8'].map(parseTrustedProxy)),
    ).toBe('127.0.0.1, 10.0.0.0/8, ::1, fd00::/8')
  })
})
