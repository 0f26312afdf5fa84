import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { Transport } from '@wirekit/protocol-core'
import { FrameTooLongError, LineProtocol, type LineProtocolOptions } from '../src/index.ts'

class Collector extends LineProtocol {
  readonly lines: string[] = []
  readonly errors: FrameTooLongError[] = []
  readonly partial: string[] = []
  override lineReceived(line: Uint8Array): void {
    this.lines.push(new TextDecoder().decode(line))
  }
  override lineTooLong(error: FrameTooLongError): void {
    this.errors.push(error)
  }
  override partialLineAtEof(rest: Uint8Array): void {
    this.partial.push(new TextDecoder().decode(rest))
  }
}

function fakeTransport(): { transport: Transport; written: Uint8Array[]; aborted: () => boolean } {
  const written: Uint8Array[] = []
  let aborted = false
  const transport = {
    writeLines(chunks: Iterable<Uint8Array>) {
      for (const c of chunks) written.push(c)
    },
    abort() {
      aborted = true
    },
  } as unknown as Transport
  return { transport, written, aborted: () => aborted }
}

function feed(options: LineProtocolOptions, chunks: string[]) {
  const p = new Collector(options)
  const t = fakeTransport()
  p.connectionMade(t.transport)
  for (const c of chunks) if (c.length > 0) p.dataReceived(new TextEncoder().encode(c))
  p.eofReceived()
  return { p, aborted: t.aborted() }
}

function split(s: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (s.length + 1)))].sort((a, b) => a - b)
  const out: string[] = []
  let last = 0
  for (const p of points) {
    out.push(s.slice(last, p))
    last = p
  }
  out.push(s.slice(last))
  return out
}

describe('LineProtocol', () => {
  it('yields the same lines for any chunking', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('a', 'b', '\r', 'x') }), { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.constantFrom('\r\n', '\n', 'ab'),
        (parts, cuts, delimiter) => {
          const stream = parts.join('\n') + (parts.length > 0 ? '\n' : '')
          const s = stream.replaceAll('\n', delimiter)
          const whole = feed({ delimiter }, [s]).p
          const chunked = feed({ delimiter }, split(s, cuts)).p
          expect(chunked.lines).toEqual(whole.lines)
          expect(chunked.partial).toEqual(whole.partial)
        },
      ),
    )
  })

  it('discards long lines the same way for any chunking', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('a', '\r', '\n') }), { maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (parts, cuts) => {
          const s = parts.join('')
          const options = { maxLength: 3, onTooLong: 'discard' } as const
          const whole = feed(options, [s]).p
          const chunked = feed(options, split(s, cuts)).p
          expect(chunked.lines).toEqual(whole.lines)
          expect(chunked.errors.length).toBe(whole.errors.length)
        },
      ),
    )
  })

  it('accepts a line of exactly maxLength with a split delimiter, refuses one byte more', () => {
    for (const onTooLong of ['close', 'discard'] as const) {
      const ok = feed({ maxLength: 4, onTooLong }, ['abcd\r', '\nz\r\n'])
      expect(ok.p.lines).toEqual(['abcd', 'z'])
      expect(ok.p.errors).toEqual([])
      const bad = feed({ maxLength: 4, onTooLong }, ['abcde\r', '\nz\r\n'])
      expect(bad.p.errors[0]).toBeInstanceOf(FrameTooLongError)
      expect(bad.p.lines).toEqual(onTooLong === 'close' ? [] : ['z'])
      expect(bad.aborted).toBe(onTooLong === 'close')
    }
  })

  it('reports a partial line at EOF', () => {
    expect(feed({}, ['a\r\nb']).p.partial).toEqual(['b'])
  })

  it('splits a million lines in one chunk', () => {
    const n = 1_000_000
    const data = new Uint8Array(n * 2).fill(0x61)
    for (let i = 1; i < data.length; i += 2) data[i] = 0x0a
    let count = 0
    const p = new (class extends LineProtocol {
      override lineReceived(): void {
        count++
      }
    })({ delimiter: '\n' })
    p.dataReceived(data)
    expect(count).toBe(n)
  })

  it('sendLine appends the delimiter', () => {
    const t = fakeTransport()
    const p = new LineProtocol({ delimiter: '\n' })
    p.connectionMade(t.transport)
    p.sendLine(new Uint8Array([1]))
    expect(t.written).toEqual([new Uint8Array([1]), new Uint8Array([0x0a])])
  })

  it('validates its options', () => {
    expect(() => new LineProtocol({ delimiter: '' })).toThrow(RangeError)
    expect(() => new LineProtocol({ maxLength: -1 })).toThrow(/maxLength/)
    expect(() => new LineProtocol({ onTooLong: 'x' as 'close' })).toThrow(TypeError)
  })
})
