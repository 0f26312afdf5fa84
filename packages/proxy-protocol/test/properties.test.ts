import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  encodeProxyHeaderV1,
  encodeProxyHeaderV2,
  parseProxyHeader,
  type ProxyHeader,
  type ProxyHeaderParserOptions,
  type ProxyProtocolVersion,
} from '../src/index.ts'
import { expectedAfterParse, headerV1, headerV2 } from './arbitraries.ts'
import { bytewise, feed, split, type Outcome } from './chunking.ts'

const V2_SIGNATURE = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]

function encode(header: ProxyHeader): Uint8Array {
  return header.version === 1 ? encodeProxyHeaderV1(header) : encodeProxyHeaderV2(header)
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const part of parts) {
    bytes.set(part, offset)
    offset += part.length
  }
  return bytes
}

/** What `parseProxyHeader` says of the whole input at once, in `feed`'s terms. */
function whole(bytes: Uint8Array, options?: ProxyHeaderParserOptions): Outcome {
  const result = parseProxyHeader(bytes, options)
  switch (result.status) {
    case 'need-more':
      return result
    case 'invalid': {
      const { status, reason, message, code } = result
      return { status, reason, message, code }
    }
    case 'done':
      expect(result.consumed).toBe(result.headerLength)
      return {
        status: 'done',
        header: result.header,
        headerLength: result.headerLength,
        after: result.rest,
      }
  }
}

const header = fc.oneof(headerV1, headerV2)
const options: fc.Arbitrary<ProxyHeaderParserOptions> = fc.record(
  {
    versions: fc.constantFrom<ProxyProtocolVersion[]>([1], [2], [1, 2], [2, 1]),
    maxHeaderSize: fc.oneof(fc.integer({ min: 16, max: 600 }), fc.constant(4096)),
  },
  { requiredKeys: [] },
)

/** Valid headers, then bytes flipped, cut or added: mostly invalid in every way the parser knows. */
const damaged: fc.Arbitrary<Uint8Array> = fc
  .tuple(
    header,
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 3 }),
    fc.nat(),
    fc.uint8Array({ maxLength: 20 }),
  )
  .map(([h, flips, cut, tail]) => {
    const bytes = encode(h).slice()
    for (const [at, mask] of flips) {
      const i = at % bytes.length
      bytes[i] = (bytes[i] ?? 0) ^ mask
    }
    return concat(bytes.subarray(0, cut % (bytes.length + 1)), tail)
  })

/** Random bytes, half of them after a real signature so that the parser gets past it. */
const noise: fc.Arbitrary<Uint8Array> = fc
  .tuple(
    fc.constantFrom(
      new Uint8Array(0),
      new TextEncoder().encode('PROXY '),
      new TextEncoder().encode('PROXY TCP4 '),
      Uint8Array.from(V2_SIGNATURE),
      Uint8Array.from([...V2_SIGNATURE, 0x21]),
      Uint8Array.from([...V2_SIGNATURE, 0x21, 0x11]),
    ),
    fc.uint8Array({ maxLength: 300 }),
  )
  .map(([prefix, rest]) => concat(prefix, rest))

describe('properties (fast-check)', () => {
  it('(a) every split point of a valid header gives what one chunk gives', () => {
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 8 }), (h, payload) => {
        const bytes = concat(encode(h), payload)
        const expected = whole(bytes)
        expect(expected.status).toBe('done')
        for (let point = 0; point <= bytes.length; point++) {
          expect(feed(split(bytes, [point]))).toEqual(expected)
        }
        expect(feed(bytewise(bytes))).toEqual(expected)
      }),
      // Each run parses once per byte of the header (up to ~1 KiB): fewer runs, same reach.
      { numRuns: 40 },
    )
    // CPU-bound: a few seconds alone, many times that on a machine busy with the rest of the suite.
  }, 120_000)

  it('(a) random chunkings, down to one byte, of valid, damaged and random input agree with one chunk', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.tuple(header, fc.uint8Array({ maxLength: 16 })).map(([h, p]) => concat(encode(h), p)),
          damaged,
          noise,
        ),
        fc.array(fc.nat(), { maxLength: 12 }),
        options,
        (bytes, cuts, opts) => {
          const expected = whole(bytes, opts)
          expect(feed(split(bytes, cuts), opts)).toEqual(expected)
          expect(feed(bytewise(bytes), opts)).toEqual(expected)
        },
      ),
      { numRuns: 1000 },
    )
  })

  it('(b) random bytes never throw, and nothing past maxHeaderSize is consumed or gathered', () => {
    fc.assert(
      fc.property(
        fc.oneof(noise, damaged),
        fc.array(fc.nat(), { maxLength: 8 }),
        options,
        (bytes, cuts, opts) => {
          const result = parseProxyHeader(bytes, opts)
          const max = opts.maxHeaderSize ?? 4096
          if (result.status === 'done') {
            expect(result.headerLength).toBeLessThanOrEqual(max)
          } else if (result.status === 'need-more') {
            expect(bytes.length).toBeLessThan(max)
          } else {
            expect(result.code).toBe('ERR_PROXY_HEADER_INVALID')
          }
          // feed() itself checks the gathered bytes against maxHeaderSize at every push.
          const chunked = feed(split(bytes, cuts), opts)
          if (chunked.status === 'done') {
            expect(chunked.headerLength).toBeLessThanOrEqual(max)
          }
        },
      ),
      { numRuns: 3000 },
    )
  })

  it('(b) a stream of random bytes is decided within maxHeaderSize bytes', () => {
    fc.assert(
      fc.property(
        noise,
        options,
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        (start, opts, fill) => {
          const max = opts.maxHeaderSize ?? 4096
          // Repeat `fill` past the limit: a parser must not keep asking for more.
          const bytes = new Uint8Array(max + 1)
          bytes.set(start.subarray(0, max + 1))
          for (let i = Math.min(start.length, max + 1); i <= max; i++) {
            bytes[i] = fill[i % fill.length] ?? 0
          }
          expect(parseProxyHeader(bytes, opts).status).not.toBe('need-more')
        },
      ),
      { numRuns: 500 },
    )
  })

  it('(c) parse(encode(header)) gives the header back, for both versions and all families', () => {
    fc.assert(
      fc.property(header, (h) => {
        const result = parseProxyHeader(encode(h))
        expect(result.status).toBe('done')
        if (result.status === 'done') {
          expect(result.header).toEqual(expectedAfterParse(h, () => expect.any(Number)))
        }
      }),
      { numRuns: 2000 },
    )
  })

  it('(d) with any payload after it, exactly the header is consumed and the payload is the rest', () => {
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 600 }), (h, payload) => {
        const encoded = encode(h)
        const result = parseProxyHeader(concat(encoded, payload))
        expect(result.status).toBe('done')
        if (result.status === 'done') {
          expect(result.consumed).toBe(encoded.length)
          expect(result.headerLength).toBe(encoded.length)
          expect(result.rest).toEqual(payload)
        }
      }),
      { numRuns: 1000 },
    )
  })
})
