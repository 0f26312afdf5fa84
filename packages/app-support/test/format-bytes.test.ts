import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { escapeText, formatBytes } from '../src/index.ts'

/** What Python's repr() gives for the same bytes: the seed's log format. */
function pythonRepr(chunks: Uint8Array[]): string[] {
  const script = 'import sys\nfor line in sys.stdin: print(repr(bytes.fromhex(line.strip())))'
  const input = chunks.map((c) => Buffer.from(c).toString('hex')).join('\n') + '\n'
  return execFileSync('python3', ['-c', script], { input, encoding: 'utf8' }).trimEnd().split('\n')
}

describe('formatBytes', () => {
  it('matches Python repr() for the seed, every byte value, quotes and random data', () => {
    const chunks = [
      new TextEncoder().encode('This is the message. It will be sent in parts.'),
      Uint8Array.from({ length: 200 }, (_, i) => i + 56),
      Uint8Array.from({ length: 56 }, (_, i) => i),
      new TextEncoder().encode(`it's`),
      new TextEncoder().encode(`say "it's"`),
      new TextEncoder().encode(`"quoted"`),
      new TextEncoder().encode('\\ back\\slash'),
      ...Array.from({ length: 20 }, () => randomBytes(150)),
    ]
    expect(chunks.map((c) => formatBytes(c))).toEqual(pythonRepr(chunks))
  })

  it('keeps control bytes, ANSI escapes, CR/LF, NUL and invalid UTF-8 on one escaped line', () => {
    const hostile = Buffer.from('\x1b[31mred\r\nmain: forged line\x00\xff\xfe', 'latin1')
    const shown = formatBytes(hostile)
    expect(shown).toBe(String.raw`b'\x1b[31mred\r\nmain: forged line\x00\xff\xfe'`)
    // eslint-disable-next-line no-control-regex -- checking that no control character is left
    expect(shown).not.toMatch(/[\x00-\x1f\x7f]/)
  })

  it('cuts after the limit and gives the total length', () => {
    const big = Buffer.alloc(1024 * 1024, 0x61)
    const shown = formatBytes(big)
    expect(shown).toBe(`b'${'a'.repeat(200)}' ... (1048576 bytes)`)
    expect(formatBytes(Buffer.from('abcdef'), 3)).toBe("b'abc' ... (6 bytes)")
    expect(formatBytes(new Uint8Array(0))).toBe("b''")
  })
})

describe('escapeText', () => {
  it('escapes control characters and leaves other text alone', () => {
    expect(escapeText('a\nb\r\x1b[0m\x00 é ✓')).toBe(String.raw`a\x0ab\x0d\x1b[0m\x00 é ✓`)
  })
})
