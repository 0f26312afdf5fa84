import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { crc32c } from '../src/crc32c.ts'
import { referenceCrc32c } from './v2-bytes.ts'

describe('crc32c', () => {
  it('gives the published check values (RFC 3720 B.4 and the usual "123456789")', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283)
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa)
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43)
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e)
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c)
    expect(crc32c(new Uint8Array(0))).toBe(0)
  })

  it('agrees with a bit-by-bit implementation, over parts as over their concatenation', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), (bytes, cut) => {
        const at = cut % (bytes.length + 1)
        expect(crc32c(bytes)).toBe(referenceCrc32c(bytes))
        expect(crc32c(bytes.subarray(0, at), bytes.subarray(at))).toBe(referenceCrc32c(bytes))
      }),
    )
  })
})
