import { describe, expect, it } from 'vitest'
import { FrameTooLongError, LineProtocol, type LineProtocolOptions } from '../src/index.ts'
import { FakeTransport } from './fake-transport.ts'

const encode = (text: string): Uint8Array => new TextEncoder().encode(text)
const decode = (data: Uint8Array): string => new TextDecoder().decode(data)

/** Records every callback as text, and runs `onLine` after recording each line. */
class Collector extends LineProtocol {
  readonly lines: string[] = []
  readonly errors: FrameTooLongError[] = []
  readonly partial: string[] = []
  onLine: (line: string) => void = () => undefined
  override lineReceived(line: Uint8Array): void {
    this.lines.push(decode(line))
    this.onLine(decode(line))
  }
  override lineTooLong(error: FrameTooLongError): void {
    this.errors.push(error)
  }
  override partialLineAtEof(rest: Uint8Array): void {
    this.partial.push(decode(rest))
  }
}

function connect(options: LineProtocolOptions = {}): { p: Collector; t: FakeTransport } {
  const p = new Collector(options)
  return { p, t: new FakeTransport(p) }
}

function feed(options: LineProtocolOptions, chunks: string[]) {
  const { p, t } = connect(options)
  for (const c of chunks) {
    if (c.length > 0) {
      t.receive(encode(c))
    }
  }
  t.receiveEof()
  return { p, aborted: t.endedBy === 'abort' }
}

describe('LineProtocol', () => {
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

  it('reports an unterminated last line longer than maxLength as too long, not as partial', () => {
    // 5 bytes with '\r\n' and maxLength 4: the last byte might have begun the delimiter until EOF.
    const { p, aborted } = feed({ maxLength: 4, onTooLong: 'discard' }, ['ok\r\nabcde'])
    expect(p.lines).toEqual(['ok'])
    expect(p.partial).toEqual([])
    expect(p.errors.map((e) => e.length)).toEqual([5])
    expect(aborted).toBe(false)
  })

  describe('a discarded line never leaks a byte, whatever the delimiter length', () => {
    it.each(['\n', '\r\n', 'abc'])('delimiter %j', (delimiter) => {
      const long = 'x'.repeat(20)
      const options = { delimiter, maxLength: 8, onTooLong: 'discard' } as const
      const cases = [
        // The overlong line's tail, then real lines, in the next read.
        [long, `QUIT${delimiter}after${delimiter}`],
        // The delimiter alone at the start of the next read.
        [long, `${delimiter}next${delimiter}`],
        // The overlong line spread over many reads.
        [long, long, `QUIT${delimiter}after${delimiter}`],
      ]
      for (const chunks of cases) {
        const { p } = feed(options, chunks)
        expect(p.lines).toEqual([chunks.at(-1)?.startsWith('QUIT') === true ? 'after' : 'next'])
        expect(p.errors).toHaveLength(1)
      }
    })
  })

  it('delivers no line once lineReceived closes or aborts the transport, and keeps nothing', () => {
    for (const end of ['close', 'abort'] as const) {
      const { p, t } = connect({ delimiter: '\n' })
      p.onLine = (line) => {
        if (line === 'QUIT') {
          p.transport?.[end]()
        }
      }
      t.receive(encode('a\nQUIT\nDELETE *\nb'))
      // A transport drops what arrives once closing, but a protocol must not rely on it.
      p.dataReceived(encode('\nmore\n'))
      p.eofReceived()
      expect(p.lines).toEqual(['a', 'QUIT'])
      expect(p.partial).toEqual([])
      expect(t.endedBy).toBe(end)
    }
  })

  it('stops when lineTooLong closes the transport under the discard policy', () => {
    const p = new (class extends Collector {
      override lineTooLong(error: FrameTooLongError): void {
        super.lineTooLong(error)
        this.transport?.close()
      }
    })({ delimiter: '\n', maxLength: 2, onTooLong: 'discard' })
    const t = new FakeTransport(p)
    t.receive(encode('ok\ntoo long\nnever\n'))
    expect(p.lines).toEqual(['ok'])
    expect(p.errors).toHaveLength(1)
    expect(t.endedBy).toBe('close')
  })

  it('holds the lines after a pause in lineReceived and delivers them on resumeReading(), without new data', () => {
    const { p, t } = connect({ delimiter: '\n' })
    p.onLine = (line) => {
      if (line.startsWith('wait')) {
        p.pauseReading()
      }
    }
    t.receive(encode('a\nwait 1\nb\nwait 2\nc\nd'))
    expect(p.lines).toEqual(['a', 'wait 1'])
    expect(t.isReading()).toBe(false)
    t.receive(encode('\ne\n')) // held by the transport while paused
    expect(p.lines).toEqual(['a', 'wait 1'])
    p.resumeReading()
    expect(p.lines).toEqual(['a', 'wait 1', 'b', 'wait 2'])
    p.resumeReading()
    expect(p.lines).toEqual(['a', 'wait 1', 'b', 'wait 2', 'c', 'd', 'e'])
  })

  it('notices a pause made on the transport directly; a bare transport.resumeReading() delivers with the next chunk', () => {
    const { p, t } = connect({ delimiter: '\n' })
    p.onLine = (line) => {
      if (line === 'pause') {
        t.pauseReading()
      }
    }
    t.receive(encode('pause\nb\nc\n'))
    expect(p.lines).toEqual(['pause'])
    t.resumeReading()
    expect(p.lines).toEqual(['pause'])
    t.receive(encode('d\n'))
    expect(p.lines).toEqual(['pause', 'b', 'c', 'd'])
  })

  it('at EOF while paused keeps the transport open, then delivers, reports the rest and closes', () => {
    const p = new Collector({ delimiter: '\n' })
    const t = new FakeTransport(p, 'deliver')
    p.onLine = (line) => {
      if (line === 'wait') {
        p.pauseReading()
      }
    }
    t.receive(encode('wait\nb\nrest'))
    t.receiveEof()
    expect(t.endedBy).toBeUndefined()
    expect(p.lines).toEqual(['wait'])
    p.resumeReading()
    expect(p.lines).toEqual(['wait', 'b'])
    expect(p.partial).toEqual(['rest'])
    expect(t.endedBy).toBe('close')
  })

  it('stops for good when lineReceived throws', () => {
    const { p, t } = connect({ delimiter: '\n' })
    p.onLine = (line) => {
      if (line === 'boom') {
        throw new Error('boom')
      }
    }
    expect(() => {
      t.receive(encode('a\nboom\nb\n'))
    }).toThrow('boom')
    t.receive(encode('c\n'))
    expect(p.lines).toEqual(['a', 'boom'])
  })

  it('splits a million lines in one chunk', () => {
    const n = 1_000_000
    const data = new Uint8Array(n * 2).fill(0x61)
    for (let i = 1; i < data.length; i += 2) {
      data[i] = 0x0a
    }
    let count = 0
    const p = new (class extends LineProtocol {
      override lineReceived(): void {
        count++
      }
    })({ delimiter: '\n' })
    new FakeTransport(p).receive(data)
    expect(count).toBe(n)
  })

  it('sendLine appends the delimiter', () => {
    const p = new LineProtocol({ delimiter: '\n' })
    const t = new FakeTransport(p)
    p.sendLine(new Uint8Array([1]))
    expect(t.written).toEqual([new Uint8Array([1]), new Uint8Array([0x0a])])
  })

  it('validates its options', () => {
    expect(() => new LineProtocol({ delimiter: '' })).toThrow(RangeError)
    expect(() => new LineProtocol({ maxLength: -1 })).toThrow(/maxLength/)
    expect(() => new LineProtocol({ onTooLong: 'x' as 'close' })).toThrow(TypeError)
  })
})
