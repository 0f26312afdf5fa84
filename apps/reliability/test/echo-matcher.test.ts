import { describe, expect, it } from 'vitest'
import { EchoMatcher } from '../src/echo-matcher.ts'

describe('EchoMatcher', () => {
  it('takes an echo cut anywhere as a prefix of what was sent', () => {
    const matcher = new EchoMatcher()
    matcher.sent(Buffer.from('hello '))
    matcher.sent(Buffer.from('world'))
    matcher.received(Buffer.from('hel'))
    matcher.received(Buffer.from('lo wo'))
    expect(matcher.prefixExact).toBe(true)
    expect(matcher.outstanding).toBe(3)
    matcher.received(Buffer.from('rld'))
    expect(matcher.outstanding).toBe(0)
    expect(matcher.prefixExact).toBe(true)
  })

  it('finds the first byte that differs, and bytes that were never sent', () => {
    const changed = new EchoMatcher()
    changed.sent(Buffer.from('abcdef'))
    changed.received(Buffer.from('abcXef'))
    expect(changed.mismatchAt).toBe(3)
    expect(changed.prefixExact).toBe(false)

    const extra = new EchoMatcher()
    extra.sent(Buffer.from('ab'))
    extra.received(Buffer.from('abc'))
    expect(extra.mismatchAt).toBe(2)
    expect(extra.prefixExact).toBe(false)
  })

  it('holds one block written many times by reference', () => {
    const matcher = new EchoMatcher()
    const block = Buffer.from('0123456789')
    for (let i = 0; i < 3; i += 1) {
      matcher.sent(block)
    }
    matcher.received(Buffer.from('0123456789012'))
    expect(matcher.prefixExact).toBe(true)
    expect(matcher.outstanding).toBe(17)
  })
})
