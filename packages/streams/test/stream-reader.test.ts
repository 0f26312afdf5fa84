import { afterEach, describe, expect, it } from 'vitest'
import { IncompleteReadError, LimitOverrunError, StreamReader } from '../src/index.ts'
import { bytes, closeAll, harnesses, pattern, resetConnection, text } from './helpers.ts'

afterEach(closeAll)

/** A reader fed directly, so each test chooses the chunk boundaries exactly. */
function fed(
  chunks: readonly string[],
  options: { limit?: number; eof?: boolean } = {},
): StreamReader {
  const reader = new StreamReader(options.limit === undefined ? {} : { limit: options.limit })
  for (const chunk of chunks) {
    reader.feedData(bytes(chunk))
  }
  if (options.eof === true) {
    reader.feedEof()
  }
  return reader
}

async function incomplete(read: Promise<unknown>): Promise<IncompleteReadError> {
  const error: unknown = await read.then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  expect(error).toBeInstanceOf(IncompleteReadError)
  return error as IncompleteReadError
}

async function overrun(read: Promise<unknown>): Promise<LimitOverrunError> {
  const error: unknown = await read.then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  expect(error).toBeInstanceOf(LimitOverrunError)
  return error as LimitOverrunError
}

describe('StreamReader, fed chunk by chunk', () => {
  it('rejects a limit that is not a positive integer', () => {
    expect(() => new StreamReader({ limit: 0 })).toThrow(RangeError)
    expect(() => new StreamReader({ limit: 1.5 })).toThrow(RangeError)
    expect(new StreamReader().limit).toBe(64 * 1024)
  })

  describe('read(n)', () => {
    it('returns an empty array for n = 0 at once, even with nothing buffered', async () => {
      expect(await fed([]).read(0)).toHaveLength(0)
    })

    it('returns at most n bytes of what is buffered, without waiting for more', async () => {
      const reader = fed(['abc', 'def'])
      expect(text(await reader.read(4))).toBe('abcd')
      expect(text(await reader.read(100))).toBe('ef')
    })

    it('waits for data when nothing is buffered', async () => {
      const reader = fed([])
      const pending = reader.read(10)
      reader.feedData(bytes('xy'))
      expect(text(await pending)).toBe('xy')
    })

    it('reads everything until EOF with n = -1', async () => {
      const reader = fed(['ab'])
      const all = reader.read()
      reader.feedData(bytes('cd'))
      reader.feedData(bytes('ef'))
      reader.feedEof()
      expect(text(await all)).toBe('abcdef')
      expect(reader.atEof()).toBe(true)
    })

    it('returns an empty array at EOF, and atEof() only once the buffer is empty', async () => {
      const reader = fed(['z'], { eof: true })
      expect(reader.atEof()).toBe(false)
      expect(text(await reader.read(5))).toBe('z')
      expect(reader.atEof()).toBe(true)
      expect(await reader.read(5)).toHaveLength(0)
      expect(await reader.read()).toHaveLength(0)
    })

    it('refuses a size that is not an integer', async () => {
      await expect(fed([]).read(1.5)).rejects.toThrow(TypeError)
    })
  })

  describe('readExactly(n)', () => {
    it('gathers exactly n bytes across chunks', async () => {
      const reader = fed(['ab'])
      const pending = reader.readExactly(5)
      reader.feedData(bytes('c'))
      reader.feedData(bytes('def'))
      expect(text(await pending)).toBe('abcde')
      expect(text(await reader.read(10))).toBe('f')
    })

    it('returns an empty array for n = 0 and refuses a negative n', async () => {
      expect(await fed([]).readExactly(0)).toHaveLength(0)
      await expect(fed([]).readExactly(-1)).rejects.toThrow(RangeError)
    })

    it('throws IncompleteReadError with the partial bytes when EOF comes in the middle', async () => {
      const reader = fed(['abc'])
      const pending = reader.readExactly(5)
      reader.feedEof()
      const error = await incomplete(pending)
      expect(text(error.partial)).toBe('abc')
      expect(error.expected).toBe(5)
      expect(error.code).toBe('ERR_INCOMPLETE_READ')
      expect(reader.atEof()).toBe(true)
    })
  })

  describe('readUntil(separator)', () => {
    it('finds a separator split across chunks, and leaves what follows', async () => {
      const reader = fed(['ab\r'])
      const pending = reader.readUntil('\r\n')
      reader.feedData(bytes('\ncd'))
      expect(text(await pending)).toBe('ab\r\n')
      expect(text(await reader.read(10))).toBe('cd')
    })

    it('finds a three-byte separator split over three chunks', async () => {
      const reader = fed(['x<'])
      const pending = reader.readUntil(bytes('<=>'))
      reader.feedData(bytes('='))
      reader.feedData(bytes('>y'))
      expect(text(await pending)).toBe('x<=>')
    })

    it('accepts exactly limit bytes before the separator', async () => {
      const reader = fed(['12345678\n'], { limit: 8 })
      expect(text(await reader.readUntil())).toBe('12345678\n')
    })

    it('throws LimitOverrunError one byte past the limit and keeps the data buffered', async () => {
      const reader = fed(['123456789\nrest'], { limit: 8 })
      const error = await overrun(reader.readUntil())
      expect(error.consumed).toBe(9)
      expect(reader.bufferedSize).toBe(14)
      expect(text(await reader.readExactly(error.consumed + 1))).toBe('123456789\n')
    })

    it('throws LimitOverrunError while waiting once the data without separator passes the limit', async () => {
      const reader = fed(['1234'], { limit: 8 })
      const pending = reader.readUntil('\r\n')
      reader.feedData(bytes('5678\r')) // 9 bytes: the separator may still complete
      reader.feedData(bytes('x'))
      const error = await overrun(pending)
      expect(error.consumed).toBe(9) // 10 bytes, of which the last could start a separator
    })

    it('throws IncompleteReadError (expected undefined) at EOF before the separator', async () => {
      const reader = fed(['abc'])
      const pending = reader.readUntil('\n')
      reader.feedEof()
      const error = await incomplete(pending)
      expect(text(error.partial)).toBe('abc')
      expect(error.expected).toBeUndefined()
    })

    it('refuses an empty separator', async () => {
      await expect(fed(['a']).readUntil('')).rejects.toThrow(RangeError)
    })
  })

  describe('readLine()', () => {
    it('reads lines, then the unterminated last one, then empty arrays', async () => {
      const reader = fed(['one\ntw', 'o\nthree'], { eof: true })
      expect(text(await reader.readLine())).toBe('one\n')
      expect(text(await reader.readLine())).toBe('two\n')
      expect(text(await reader.readLine())).toBe('three')
      expect(await reader.readLine()).toHaveLength(0)
    })

    it('discards an overlong line up to its newline, then reads the next one', async () => {
      const reader = fed(['0123456789\nok\n'], { limit: 4 })
      await overrun(reader.readLine())
      expect(text(await reader.readLine())).toBe('ok\n')
    })

    it('discards everything buffered when the overlong line has no newline yet', async () => {
      const reader = fed(['0123456789'], { limit: 4 })
      await overrun(reader.readLine())
      expect(reader.bufferedSize).toBe(0)
      reader.feedData(bytes('next\n'))
      expect(text(await reader.readLine())).toBe('next\n')
    })
  })

  describe('errors', () => {
    it('rejects a waiting read and every later one with the connection error', async () => {
      const reader = fed(['buffered'])
      const pending = reader.readExactly(100)
      const error = Object.assign(new Error('reset'), { code: 'ECONNRESET' })
      reader.setException(error)
      await expect(pending).rejects.toBe(error)
      await expect(reader.read(1)).rejects.toBe(error)
      await expect(reader.readLine()).rejects.toBe(error)
      expect(reader.exception()).toBe(error)
    })

    it('refuses a second read while one waits for data', async () => {
      const reader = fed([])
      const first = reader.read(1)
      await expect(reader.readExactly(1)).rejects.toThrow(/while another read is waiting/)
      reader.feedData(bytes('a'))
      expect(text(await first)).toBe('a')
    })
  })

  it('iterates over chunks of at most limit bytes until EOF', async () => {
    const reader = fed(['abcdefghij', 'k'], { limit: 4, eof: true })
    const chunks: string[] = []
    for await (const chunk of reader) {
      chunks.push(text(chunk))
    }
    expect(chunks).toEqual(['abcd', 'efgh', 'ijk'])
  })

  it('finds a separator after 20 000 one-byte chunks (each arrival searched once)', async () => {
    const reader = fed([])
    const pending = reader.readUntil('\n')
    for (let i = 0; i < 20_000; i++) {
      reader.feedData(bytes('x'))
    }
    reader.feedData(bytes('\n'))
    expect(await pending).toHaveLength(20_001)
  })
})

describe.each(harnesses)('StreamReader over $name', (harness) => {
  it('reads exactly across writes, then fails with IncompleteReadError at EOF', async () => {
    const { client, server } = await harness.connect()
    server.writer.write(bytes('hel'))
    server.writer.write(bytes('lo wor'))
    expect(text(await client.reader.readExactly(5))).toBe('hello')
    server.writer.writeEof()
    const error = await incomplete(client.reader.readExactly(5))
    expect(text(error.partial)).toBe(' wor')
    expect(error.expected).toBe(5)
    expect(await client.reader.read(0)).toHaveLength(0)
    expect(client.reader.atEof()).toBe(true)
  })

  it('finds a separator split across two deliveries', async () => {
    const { client, server } = await harness.connect()
    const line = client.reader.readUntil('\r\n')
    server.writer.write(bytes('ab\r'))
    await client.tap.whenReceived(3)
    server.writer.write(bytes('\ncd'))
    expect(text(await line)).toBe('ab\r\n')
    expect(text(await client.reader.readExactly(2))).toBe('cd')
  })

  it('accepts a line of exactly the limit and refuses one byte more', async () => {
    const { client, server } = await harness.connect({ limit: 8 })
    server.writer.write(bytes('12345678\n123456789\n'))
    expect(text(await client.reader.readLine())).toBe('12345678\n')
    await overrun(client.reader.readLine())
    server.writer.write(bytes('after\n'))
    expect(text(await client.reader.readLine())).toBe('after\n')
  })

  it('returns the partial last line at EOF', async () => {
    const { client, server } = await harness.connect()
    server.writer.write(bytes('no newline'))
    server.writer.writeEof()
    expect(text(await client.reader.readLine())).toBe('no newline')
    expect(await client.reader.readLine()).toHaveLength(0)
  })

  it('rejects waiting and later reads with the error the connection was lost with', async () => {
    const { client, server } = await harness.connect()
    const pending = client.reader.readExactly(10)
    resetConnection(server)
    const error: unknown = await pending.then(
      () => undefined,
      (thrown: unknown) => thrown,
    )
    expect(error).toMatchObject({ code: 'ECONNRESET' })
    await expect(client.reader.read()).rejects.toBe(error)
  })

  it('pauses reading above 2 × limit buffered and resumes at limit or below', async () => {
    const limit = 1024
    const { client, server } = await harness.connect({ limit })
    const data = pattern(64 * 1024)
    server.writer.write(data)
    await client.tap.whenReceived(2 * limit + 1)
    expect(client.reader.bufferedSize).toBeGreaterThan(2 * limit)
    expect(client.transport.isReading()).toBe(false)
    const head = await client.reader.readExactly(client.reader.bufferedSize - limit - 1)
    expect(client.transport.isReading()).toBe(false) // limit + 1 still buffered
    const next = await client.reader.readExactly(1)
    expect(client.transport.isReading()).toBe(true)
    const rest = await client.reader.readExactly(data.length - head.length - 1)
    expect(Buffer.concat([head, next, rest]).equals(Buffer.from(data))).toBe(true)
  })
})
