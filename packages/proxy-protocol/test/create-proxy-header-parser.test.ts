import { describe, expect, it } from 'vitest'
import {
  createProxyHeaderParser,
  encodeProxyHeaderV2,
  ProxyHeaderError,
  ProxyHeaderParserFinishedError,
  type ProxyHeaderParserOptions,
} from '../src/index.ts'
import { bytes } from './decide.ts'

const header = encodeProxyHeaderV2({
  source: { family: 'IPv4', address: '203.0.113.7', port: 40000 },
  destination: { family: 'IPv4', address: '192.0.2.1', port: 443 },
  tlvs: [{ type: 'authority', value: 'example.com' }],
})

describe('createProxyHeaderParser', () => {
  it('parses a header that arrives whole in place: nothing gathered, rest a view of the chunk', () => {
    const parser = createProxyHeaderParser()
    const chunk = new Uint8Array(header.length + 4)
    chunk.set(header)
    chunk.set([1, 2, 3, 4], header.length)
    const result = parser.push(chunk)
    expect(result).toMatchObject({
      status: 'done',
      consumed: header.length,
      headerLength: header.length,
    })
    expect(parser.buffered).toBe(0)
    if (result.status === 'done') {
      expect(result.rest).toEqual(Uint8Array.of(1, 2, 3, 4))
      expect(result.rest.buffer).toBe(chunk.buffer)
      expect(result.rest.byteOffset).toBe(header.length)
    }
  })

  it('gathers a split header, and reports what of the last chunk was header and what is data', () => {
    const parser = createProxyHeaderParser()
    expect(parser.push(header.subarray(0, 10))).toEqual({ status: 'need-more' })
    expect(parser.buffered).toBe(10)
    const last = new Uint8Array(header.length - 10 + 3)
    last.set(header.subarray(10))
    last.set([7, 8, 9], header.length - 10)
    const result = parser.push(last)
    expect(result).toMatchObject({
      status: 'done',
      consumed: header.length - 10,
      headerLength: header.length,
    })
    if (result.status === 'done') {
      expect(result.rest).toEqual(Uint8Array.of(7, 8, 9))
      expect(result.rest.buffer).toBe(last.buffer)
    }
    expect(parser.buffered).toBe(0)
    expect(parser.finished).toBe(true)
  })

  it('keeps no reference to the chunks it was given: the caller may reuse its buffer', () => {
    const parser = createProxyHeaderParser()
    const buffer = new Uint8Array(8)
    let result = parser.push(header.subarray(0, 0))
    for (let offset = 0; offset < header.length; offset += buffer.length) {
      const part = header.subarray(offset, offset + buffer.length)
      buffer.set(part)
      result = parser.push(buffer.subarray(0, part.length))
      buffer.fill(0xee) // reused for the next read
    }
    expect(result).toMatchObject({
      status: 'done',
      header: {
        source: { address: '203.0.113.7' },
        tlvs: [{ type: 'authority', value: 'example.com' }],
      },
    })
  })

  it('never gathers more than maxHeaderSize, even from one large chunk after a small one', () => {
    const parser = createProxyHeaderParser({ maxHeaderSize: 64 })
    expect(parser.push(bytes('PROXY UNKNOWN ')).status).toBe('need-more')
    const result = parser.push(new Uint8Array(100_000).fill(0x41))
    expect(result).toMatchObject({ status: 'invalid', reason: 'too-long' })
    expect(parser.buffered).toBe(0)
  })

  it('decides on the first byte of a connection that is not a PROXY header', () => {
    const parser = createProxyHeaderParser()
    expect(parser.push(bytes('G'))).toMatchObject({
      status: 'invalid',
      code: 'ERR_PROXY_HEADER_INVALID',
      reason: 'bad-signature',
    })
  })

  it('throws ProxyHeaderParserFinishedError on push after done or invalid', () => {
    for (const first of [header, bytes('\x16\x03\x01')]) {
      const parser = createProxyHeaderParser()
      expect(parser.push(first).status).not.toBe('need-more')
      expect(() => parser.push(new Uint8Array(1))).toThrow(ProxyHeaderParserFinishedError)
      expect(() => parser.push(new Uint8Array(1))).toThrow(
        expect.objectContaining({ code: 'ERR_PROXY_PARSER_FINISHED' }),
      )
    }
  })

  it.each<[ProxyHeaderParserOptions, ErrorConstructor, RegExp]>([
    [{ versions: [] }, RangeError, /versions/],
    [{ versions: [3] as never }, RangeError, /versions/],
    [{ versions: 2 as never }, TypeError, /versions/],
    [{ maxHeaderSize: 15 }, RangeError, /maxHeaderSize/],
    [{ maxHeaderSize: 65552 }, RangeError, /maxHeaderSize/],
    [{ maxHeaderSize: 100.5 }, RangeError, /maxHeaderSize/],
    [{ maxHeaderSize: '100' as never }, TypeError, /maxHeaderSize/],
  ])('refuses options %j', (options, type, message) => {
    expect(() => createProxyHeaderParser(options)).toThrow(type)
    expect(() => createProxyHeaderParser(options)).toThrow(message)
  })
})

describe('ProxyHeaderError', () => {
  it('carries the code, the reason and the message of an invalid result', () => {
    const result = createProxyHeaderParser().push(bytes('X'))
    expect(result.status).toBe('invalid')
    if (result.status === 'invalid') {
      const error = new ProxyHeaderError(result, { cause: 'test' })
      expect(error).toBeInstanceOf(Error)
      expect(error).toMatchObject({
        name: 'ProxyHeaderError',
        code: 'ERR_PROXY_HEADER_INVALID',
        reason: 'bad-signature',
        message: result.message,
        cause: 'test',
      })
    }
  })
})
