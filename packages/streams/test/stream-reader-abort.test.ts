import { EventEmitter, getEventListeners, once } from 'node:events'
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { AbortError, StreamReader, type ReadOptions } from '../src/index.ts'
import { bytes, closeAll, harnesses, pattern, text } from './helpers.ts'

afterEach(closeAll)

/** What a promise rejected with (fails the test when it resolved). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return await promise.then(
    (value: unknown) => {
      throw new Error(`expected a rejection, got ${String(value)}`)
    },
    (error: unknown) => error,
  )
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    setImmediate(resolve)
  })
}

/** Each read of the reader, waiting on what the tests feed ('abc' then 'de', no newline, no EOF). */
const reads: readonly {
  readonly name: string
  readonly start: (reader: StreamReader, options: ReadOptions) => Promise<Uint8Array>
}[] = [
  { name: 'read(-1)', start: (reader, options) => reader.read(-1, options) },
  { name: 'readExactly(10)', start: (reader, options) => reader.readExactly(10, options) },
  { name: "readUntil('\\r\\n')", start: (reader, options) => reader.readUntil('\r\n', options) },
  { name: 'readLine()', start: (reader, options) => reader.readLine(options) },
]

describe('StreamReader reads with a signal, fed chunk by chunk', () => {
  it.each(reads)('$name rejects with AbortError when aborted, consuming nothing', async (read) => {
    const reader = new StreamReader()
    const controller = new AbortController()
    reader.feedData(bytes('abc'))
    const pending = read.start(reader, { signal: controller.signal })
    reader.feedData(bytes('de'))
    const reason = new Error('the user gave up')
    controller.abort(reason)
    const error = await rejection(pending)
    expect(error).toBeInstanceOf(AbortError)
    expect(error).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', cause: reason })
    // The bytes the read waited on are all there, in order, for the next read (which may wait).
    expect(reader.bufferedSize).toBe(5)
    const next = reader.readExactly(6)
    reader.feedData(bytes('f'))
    expect(text(await next)).toBe('abcdef')
  })

  it('read(n) waiting for data rejects when aborted, and the data that comes later is read next', async () => {
    const reader = new StreamReader()
    const controller = new AbortController()
    const pending = reader.read(10, { signal: controller.signal })
    controller.abort()
    expect(await rejection(pending)).toBeInstanceOf(AbortError)
    reader.feedData(bytes('xy'))
    expect(text(await reader.read(10))).toBe('xy')
  })

  it.each([
    ...reads,
    {
      name: 'read(2)',
      start: (reader: StreamReader, options: ReadOptions) => reader.read(2, options),
    },
  ])('$name with an aborted signal rejects at once, even with data buffered', async (read) => {
    const reader = new StreamReader()
    reader.feedData(bytes('abc\r\nde\n'))
    reader.feedEof()
    const reason = new Error('already')
    const error = await rejection(read.start(reader, { signal: AbortSignal.abort(reason) }))
    expect(error).toMatchObject({ code: 'ABORT_ERR', cause: reason })
    expect(text(await reader.read())).toBe('abc\r\nde\n')
  })

  it("rejects as Node's events.once does for the same signal, with and without a reason", async () => {
    for (const reason of [undefined, new Error('mine'), 'a string']) {
      const controller = new AbortController()
      const node = rejection(once(new EventEmitter(), 'never', { signal: controller.signal }))
      const ours = rejection(new StreamReader().read(1, { signal: controller.signal }))
      controller.abort(reason)
      const [nodeError, ourError] = (await Promise.all([node, ours])) as [Error, Error]
      const shape = (error: Error & { code?: unknown }) => ({
        name: error.name,
        code: error.code,
        message: error.message,
        cause: error.cause,
      })
      expect(shape(ourError)).toEqual(shape(nodeError))
      // The same reason object, not a copy: the DOMException Node made when none was given.
      expect(ourError.cause).toBe(controller.signal.reason)
      expect(ourError.cause).toMatchObject(reason === undefined ? { name: 'AbortError' } : {})
    }
  })

  it('forgets the signal once the read settled: no listener left, a later abort changes nothing', async () => {
    const reader = new StreamReader()
    const controller = new AbortController()
    const pending = reader.readExactly(3, { signal: controller.signal })
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1)
    reader.feedData(bytes('ab'))
    reader.feedData(bytes('cd'))
    expect(text(await pending)).toBe('abc')
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
    controller.abort()
    expect(text(await reader.read(5))).toBe('d')
  })

  it('refuses a signal that is not an AbortSignal', async () => {
    const reader = new StreamReader()
    // @ts-expect-error -- a caller without types
    await expect(reader.read(1, { signal: 'stop' })).rejects.toThrow(TypeError)
    // @ts-expect-error -- a caller without types
    await expect(reader.readLine({ signal: {} })).rejects.toThrow(/AbortSignal/)
  })

  it('loses and repeats no byte, whatever reads are aborted at whatever point (property)', async () => {
    type Step =
      { kind: 'data'; length: number } | { kind: 'read'; read: number; abortAfter: number | null }
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ kind: fc.constant('data' as const), length: fc.integer({ min: 1, max: 9 }) }),
      fc.record({
        kind: fc.constant('read' as const),
        read: fc.integer({ min: 0, max: 4 }),
        // null: never aborted; 0: already aborted; n: aborted after n more chunks were fed.
        abortAfter: fc.option(fc.integer({ min: 0, max: 3 })),
      }),
    )
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), fc.integer(), async (steps, seed) => {
        // Bytes from a three-letter alphabet with many separators; limit large enough for all.
        const data = pattern(9 * 40, seed).map((byte) => [0x61, 0x0a, 0x0d][byte % 3] ?? 0x61)
        const reader = new StreamReader({ limit: 1024 })
        let fed = 0
        const feed = (length: number): void => {
          reader.feedData(data.subarray(fed, fed + length))
          fed += length
        }
        const out: Uint8Array[] = []
        for (const current of steps) {
          if (current.kind === 'data') {
            feed(current.length)
            continue
          }
          const controller = new AbortController()
          if (current.abortAfter === 0) {
            controller.abort()
          }
          const options = { signal: controller.signal }
          const pending = [
            () => reader.read(3, options),
            () => reader.readExactly(4, options),
            () => reader.readUntil('\r\n', options),
            () => reader.readLine(options),
            () => reader.read(-1, options),
          ][current.read]?.()
          if (pending === undefined) {
            throw new Error('no such read')
          }
          const read = { settled: false }
          const outcome = pending.then(
            (value) => ({ value }),
            (error: unknown) => ({ error }),
          )
          void outcome.finally(() => {
            read.settled = true
          })
          // One chunk per turn of the event loop until the read settles or its abort point
          // comes; a read the data left cannot satisfy is aborted when the data runs out.
          await nextTurn()
          for (let turn = 1; !read.settled; turn++) {
            if (turn >= (current.abortAfter ?? Infinity) || fed >= data.length) {
              controller.abort()
            } else {
              feed(3)
            }
            await nextTurn()
          }
          const result = await outcome
          if ('value' in result) {
            out.push(result.value)
          } else {
            expect(result.error).toBeInstanceOf(AbortError)
          }
        }
        reader.feedData(data.subarray(fed))
        reader.feedEof()
        out.push(await reader.read())
        expect(Buffer.concat(out).equals(Buffer.from(data))).toBe(true)
      }),
      { numRuns: 300 },
    )
  })
})

describe.each(harnesses)('StreamReader reads with a signal over $name', (harness) => {
  it('an aborted readExactly leaves the bytes that came for the next read', async () => {
    const { client, server } = await harness.connect()
    const data = pattern(200_000, 9)
    const controller = new AbortController()
    const pending = server.reader.readExactly(data.length, { signal: controller.signal })
    client.writer.write(data.subarray(0, 120_000))
    await server.tap.whenReceived(120_000)
    controller.abort()
    expect(await rejection(pending)).toBeInstanceOf(AbortError)
    client.writer.write(data.subarray(120_000))
    const received = await server.reader.readExactly(data.length)
    expect(Buffer.from(received).equals(Buffer.from(data))).toBe(true)
  })

  it('an aborted read(-1) puts back what it took, and reading pauses again above 2 × limit', async () => {
    const limit = 16 * 1024
    const { client, server } = await harness.connect({ limit })
    const data = pattern(4 * limit, 4)
    const controller = new AbortController()
    const pending = server.reader.read(-1, { signal: controller.signal })
    client.writer.write(data)
    await server.tap.whenReceived(data.length)
    // read(-1) takes everything as it comes: nothing stays buffered, reading never pauses.
    await expect.poll(() => server.reader.bufferedSize).toBe(0)
    expect(server.transport.isReading()).toBe(true)
    controller.abort()
    expect(await rejection(pending)).toBeInstanceOf(AbortError)
    expect(server.reader.bufferedSize).toBe(data.length)
    expect(server.transport.isReading()).toBe(false)
    client.writer.writeEof()
    const received = await server.reader.read()
    expect(Buffer.from(received).equals(Buffer.from(data))).toBe(true)
  })
})
