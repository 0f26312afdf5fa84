import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { LengthPrefixedProtocol, LineProtocol } from '../src/index.ts'
import { chunked, FakeTransport } from './fake-transport.ts'

const encode = (text: string): Uint8Array => new TextEncoder().encode(text)
const decode = (data: Uint8Array): string => new TextDecoder().decode(data)

/** Takes the buffer at the line `STARTTLS`, as a server about to upgrade would. */
class Upgrading extends LineProtocol {
  readonly lines: string[] = []
  taken: Uint8Array | undefined
  override lineReceived(line: Uint8Array): void {
    this.lines.push(decode(line))
    if (decode(line) === 'STARTTLS') {
      this.taken = this.clearBuffer()
    }
  }
}

describe('clearBuffer()', () => {
  it('takes the rest of the chunk from inside lineReceived: no line is made of it', () => {
    const p = new Upgrading()
    const t = new FakeTransport(p)
    t.receive(encode('EHLO\r\nSTARTTLS\r\n\x16\x03\x01 hello\r\nnot a line\r\npart'))
    expect(p.lines).toEqual(['EHLO', 'STARTTLS'])
    expect(decode(p.taken ?? new Uint8Array())).toBe('\x16\x03\x01 hello\r\nnot a line\r\npart')
    // What comes next starts afresh.
    t.receive(encode('after\r\n'))
    expect(p.lines).toEqual(['EHLO', 'STARTTLS', 'after'])
  })

  it('takes an incomplete line, and the lines it held after a pause inside lineReceived', () => {
    const p = new Upgrading()
    const t = new FakeTransport(p)
    t.receive(encode('one\r\ntw'))
    expect(decode(p.clearBuffer())).toBe('tw')
    const paused = new (class extends LineProtocol {
      readonly lines: string[] = []
      override lineReceived(line: Uint8Array): void {
        this.lines.push(decode(line))
        this.pauseReading()
      }
    })()
    const u = new FakeTransport(paused)
    u.receive(encode('one\r\ntwo\r\nthr'))
    expect(paused.lines).toEqual(['one'])
    expect(decode(paused.clearBuffer())).toBe('two\r\nthr')
    paused.resumeReading()
    u.receive(encode('four\r\n'))
    expect(paused.lines).toEqual(['one', 'four'])
  })

  it('takes the body and prefix of an incomplete frame', () => {
    const frames: string[] = []
    const p = new (class extends LengthPrefixedProtocol {
      override frameReceived(frame: Uint8Array): void {
        frames.push(decode(frame))
        if (decode(frame) === 'switch') {
          taken = this.clearBuffer()
        }
      }
    })({ prefixLength: 2 })
    let taken: Uint8Array | undefined
    const t = new FakeTransport(p)
    t.receive(Uint8Array.of(0, 6, ...encode('switch'), 0, 3, ...encode('ab')))
    expect(frames).toEqual(['switch'])
    expect([...(taken ?? [])]).toEqual([0, 3, ...encode('ab')])
  })

  it('gives back exactly the bytes after the line, however the stream is chunked', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('a', 'b', '\r', 'x') }), { maxLength: 8 }),
        fc.string({ unit: fc.constantFrom('a', '\r', '\n', 'z'), maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 20 }),
        (before, after, sizes) => {
          const lines = before.filter((line) => !line.includes('\r'))
          const stream = encode(
            [...lines, 'STARTTLS'].map((line) => `${line}\r\n`).join('') + after,
          )
          const p = new Upgrading()
          const t = new FakeTransport(p)
          let given = 0
          for (const chunk of chunked(stream, sizes)) {
            if (p.taken !== undefined) {
              break
            }
            t.receive(chunk)
            given += chunk.length
          }
          expect(p.lines).toEqual([...lines, 'STARTTLS'])
          const rest = decode(stream.subarray(stream.length - after.length, given))
          expect(decode(p.taken ?? new Uint8Array())).toBe(rest)
        },
      ),
    )
  })
})

describe('a protocol that carries on with a new transport (STARTTLS)', () => {
  it('delivers the lines the new transport brings, after the old one closed inside lineReceived', () => {
    // startTls makes the old transport closing from inside lineReceived, right after clearBuffer.
    class Upgrade extends Upgrading {
      override lineReceived(line: Uint8Array): void {
        super.lineReceived(line)
        if (this.taken !== undefined && decode(line) === 'STARTTLS') {
          this.transport?.close()
        }
      }
    }
    const p = new Upgrade()
    const old = new FakeTransport(p)
    old.receive(encode('STARTTLS\r\nhandshake bytes'))
    expect(decode(p.taken ?? new Uint8Array())).toBe('handshake bytes')
    const next = new FakeTransport(p) // connectionMade again: a stand-in for the new transport
    next.receive(encode('over TLS\r\n'))
    expect(p.lines).toEqual(['STARTTLS', 'over TLS'])
  })
})
