import { describe, expect, it } from 'vitest'
import {
  checkProtocolBuffer,
  checkWriteData,
  droppedWritesWarning,
  ProtocolCallbackError,
  reportCallbackError,
  reusePortSupported,
  type ProtocolCallbackName,
} from '../src/index.ts'

describe('checkWriteData', () => {
  it('accepts any Uint8Array, Buffers and views included', () => {
    expect(() => {
      checkWriteData('write', new Uint8Array(0))
      checkWriteData('write', new Uint8Array(8).subarray(2, 4))
    }).not.toThrow()
  })

  it.each([
    ['text', 'string'],
    [42, 'number'],
    [null, 'null'],
    [undefined, 'undefined'],
    [[1, 2], 'Array'],
    [new ArrayBuffer(2), 'ArrayBuffer'],
    [new Uint16Array(1), 'Uint16Array'],
    [Object.create(null) as object, 'object'],
  ])('refuses %j with a TypeError naming the method and the kind', (value, kind) => {
    expect(() => {
      checkWriteData('writeLines', value)
    }).toThrow(new TypeError(`writeLines() takes a Uint8Array, got ${kind}`))
  })
})

describe('checkProtocolBuffer', () => {
  it('passes a non-empty Uint8Array through and refuses anything else', () => {
    const buffer = new Uint8Array(4)
    expect(checkProtocolBuffer(buffer)).toBe(buffer)
    for (const bad of [new Uint8Array(0), undefined, 'buffer', new ArrayBuffer(4)]) {
      expect(() => checkProtocolBuffer(bad)).toThrow(
        new TypeError('getBuffer() must return a non-empty Uint8Array'),
      )
    }
  })
})

describe('reportCallbackError', () => {
  const fatal: ProtocolCallbackName[] = [
    'connectionMade',
    'dataReceived',
    'eofReceived',
    'getBuffer',
    'bufferUpdated',
  ]
  const reportedOnly: ProtocolCallbackName[] = ['pauseWriting', 'resumeWriting', 'connectionLost']

  it.each(fatal)('%s: reported once, and the connection must end with that error', (callback) => {
    const reported: Error[] = []
    const thrown = new Error('boom')
    const error = reportCallbackError(callback, 'memory port 1', thrown, (e) => reported.push(e))
    expect(reported).toEqual([error])
    expect(error).toBeInstanceOf(ProtocolCallbackError)
    expect(error?.callback).toBe(callback)
    expect(error?.cause).toBe(thrown)
    expect(error?.message).toBe(`${callback}() threw (peer memory port 1): boom`)
  })

  it.each(reportedOnly)('%s: reported once, the connection carries on', (callback) => {
    const reported: Error[] = []
    expect(
      reportCallbackError(callback, undefined, 'text', (e) => reported.push(e)),
    ).toBeUndefined()
    expect(reported).toHaveLength(1)
    expect(reported[0]?.message).toBe(`${callback}() threw: text`)
  })

  it('ignores an error handler that throws', () => {
    const error = reportCallbackError('dataReceived', undefined, new Error('x'), () => {
      throw new Error('handler failed')
    })
    expect(error).toBeInstanceOf(ProtocolCallbackError)
  })
})

describe('droppedWritesWarning', () => {
  it('warns at the fifth dropped write only, naming the peer when known', () => {
    expect([1, 2, 3, 4, 6, 100].map((n) => droppedWritesWarning(n, 'a port 1'))).toEqual(
      Array(6).fill(undefined),
    )
    expect(droppedWritesWarning(5, 'a port 1')).toBe(
      'write() called 5 times after the connection with a port 1 was closed; the data is dropped',
    )
    expect(droppedWritesWarning(5, undefined)).toBe(
      'write() called 5 times after the connection was closed; the data is dropped',
    )
  })
})

describe('reusePortSupported', () => {
  it('knows which Node.js lines have reusePort (22.12 and 23.1 onwards)', () => {
    expect(reusePortSupported('20.20.0')).toBe(false)
    expect(reusePortSupported('22.11.0')).toBe(false)
    expect(reusePortSupported('22.12.0')).toBe(true)
    expect(reusePortSupported('23.0.0')).toBe(false)
    expect(reusePortSupported('23.1.0')).toBe(true)
    expect(reusePortSupported('24.0.0')).toBe(true)
    expect(reusePortSupported('')).toBe(false)
  })

  it('judges the running Node.js by default', () => {
    expect(reusePortSupported()).toBe(reusePortSupported(process.versions.node))
  })
})
