import { describe, expect, it } from 'vitest'
import { ByteQueue } from '../src/byte-queue.ts'
import { bytes, pattern, text } from './helpers.ts'

function queueOf(...chunks: string[]): ByteQueue {
  const queue = new ByteQueue()
  for (const chunk of chunks) {
    queue.push(bytes(chunk))
  }
  return queue
}

describe('ByteQueue', () => {
  it('takes across chunk boundaries and keeps the rest', () => {
    const queue = queueOf('ab', 'cde', 'f')
    expect(queue.size).toBe(6)
    expect(text(queue.take(1))).toBe('a')
    expect(text(queue.take(3))).toBe('bcd')
    expect(queue.size).toBe(2)
    expect(text(queue.takeAll())).toBe('ef')
    expect(queue.size).toBe(0)
  })

  it('returns a view, not a copy, when the bytes lie in one chunk', () => {
    const chunk = bytes('hello')
    const queue = new ByteQueue()
    queue.push(chunk)
    const taken = queue.take(4)
    expect(taken.buffer).toBe(chunk.buffer)
  })

  it('ignores empty chunks and refuses to take more than it holds', () => {
    const queue = queueOf('', 'ab', '')
    expect(queue.size).toBe(2)
    expect(queue.take(0)).toHaveLength(0)
    expect(() => queue.take(3)).toThrow(RangeError)
  })

  it('finds a separator inside a chunk, across two chunks and across three', () => {
    expect(queueOf('ab\r\ncd').indexOf(bytes('\r\n'), 0)).toBe(2)
    expect(queueOf('ab\r', '\ncd').indexOf(bytes('\r\n'), 0)).toBe(2)
    expect(queueOf('x<', '=', '>y').indexOf(bytes('<=>'), 0)).toBe(1)
    expect(queueOf('aaa', 'ab').indexOf(bytes('aab'), 0)).toBe(2)
    expect(queueOf('ab', 'cd').indexOf(bytes('xy'), 0)).toBe(-1)
    expect(queueOf('ab\r').indexOf(bytes('\r\n'), 0)).toBe(-1)
  })

  it('searches from a position, after bytes were taken from the head', () => {
    const queue = queueOf('-a-', 'b-c', '-')
    expect(queue.indexOf(bytes('-'), 0)).toBe(0)
    expect(queue.indexOf(bytes('-'), 1)).toBe(2)
    expect(queue.indexOf(bytes('-'), 3)).toBe(4)
    queue.take(2) // the head chunk now starts at offset 2
    expect(queue.indexOf(bytes('-'), 0)).toBe(0)
    expect(queue.indexOf(bytes('-'), 1)).toBe(2)
    expect(queue.indexOf(bytes('-'), 3)).toBe(4)
    expect(queue.indexOf(bytes('-'), 5)).toBe(-1)
  })

  it('matches a search over one joined array for any split of the same bytes', () => {
    const data = pattern(300, 7).map((byte) => byte % 3)
    const separator = Uint8Array.of(2, 0, 1)
    const joined = Buffer.from(data)
    for (const size of [1, 2, 5, 64, 300]) {
      const queue = new ByteQueue()
      for (let at = 0; at < data.length; at += size) {
        queue.push(data.subarray(at, at + size))
      }
      for (const from of [0, 1, 17, 150, 298]) {
        expect(queue.indexOf(separator, from)).toBe(joined.indexOf(separator, from))
      }
    }
  })

  it('keeps byte order through many small chunks (compaction of consumed slots)', () => {
    const data = pattern(5000, 3)
    const queue = new ByteQueue()
    for (let at = 0; at < data.length; at++) {
      queue.push(data.subarray(at, at + 1))
    }
    const out = [queue.take(1), queue.take(2998), queue.take(1), queue.takeAll()]
    expect(Buffer.concat(out).equals(Buffer.from(data))).toBe(true)
  })

  it('puts chunks back in front, as they were taken, whatever was consumed of the head', () => {
    const queue = queueOf('abc', 'def')
    const first = queue.take(2)
    const second = queue.take(2)
    queue.unshift(second)
    queue.unshift(first)
    expect(queue.size).toBe(6)
    expect(text(queue.takeAll())).toBe('abcdef')

    const empty = new ByteQueue()
    empty.unshift(bytes(''))
    empty.unshift(bytes('xy'))
    empty.push(bytes('z'))
    expect(empty.size).toBe(3)
    expect(queue.indexOf(bytes('z'), 0)).toBe(-1)
    expect(empty.indexOf(bytes('yz'), 0)).toBe(1)
    expect(text(empty.takeAll())).toBe('xyz')
  })
})
