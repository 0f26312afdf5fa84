import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { FrameTooLongError, OverflowPolicy } from '../src/index.ts'
import { LineProtocol } from '../src/index.ts'
import { chunked, FakeTransport } from './fake-transport.ts'
import {
  expectedUnder,
  play,
  type Script,
  type Scripted,
  ScriptedLog,
  scripts,
} from './scripted-handlers.ts'

/** One callback, as both the reference and the protocol report it. */
type LineEvent =
  | { kind: 'line'; bytes: number[] }
  | { kind: 'tooLong'; length: number }
  | { kind: 'partial'; bytes: number[] }

interface Scenario {
  delimiter: number[]
  maxLength: number
  onTooLong: OverflowPolicy
  stream: number[]
  chunkSizes: number[]
}

function indexOf(stream: readonly number[], needle: readonly number[], from: number): number {
  for (let i = from; i + needle.length <= stream.length; i++) {
    if (needle.every((byte, j) => stream[i + j] === byte)) {
      return i
    }
  }
  return -1
}

/**
 * The obvious decoder, on the whole stream at once: each line ends at the first delimiter after
 * the previous one; a line longer than maxLength is reported (its length is the true one) and,
 * under 'close', ends everything; what follows the last delimiter is the partial line.
 */
function referenceLines(s: Scenario): { events: LineEvent[]; aborted: boolean } {
  const events: LineEvent[] = []
  let position = 0
  const segment = (bytes: number[], kind: 'line' | 'partial'): boolean => {
    if (bytes.length > s.maxLength) {
      events.push({ kind: 'tooLong', length: bytes.length })
      return s.onTooLong === 'discard'
    }
    if (kind === 'line' || bytes.length > 0) {
      events.push({ kind, bytes })
    }
    return true
  }
  for (;;) {
    const index = indexOf(s.stream, s.delimiter, position)
    if (index < 0) {
      break
    }
    const line = s.stream.slice(position, index)
    position = index + s.delimiter.length
    if (!segment(line, 'line')) {
      return { events, aborted: true }
    }
  }
  return { events, aborted: !segment(s.stream.slice(position), 'partial') }
}

/** Records every callback in order; runs a script's action after each one. */
class Recorder extends LineProtocol implements Scripted {
  readonly log: ScriptedLog<LineEvent>

  constructor(s: Scenario, script?: Script) {
    super({
      delimiter: new Uint8Array(s.delimiter),
      maxLength: s.maxLength,
      onTooLong: s.onTooLong,
    })
    this.log = new ScriptedLog(script?.actions)
  }

  override lineReceived(line: Uint8Array): void {
    this.log.record(this, { kind: 'line', bytes: [...line] })
  }
  override lineTooLong(error: FrameTooLongError): void {
    expect(error.code).toBe('ERR_FRAME_TOO_LONG')
    expect(error.maxLength).toBe(this.maxLength)
    this.log.record(this, { kind: 'tooLong', length: error.length })
  }
  override partialLineAtEof(rest: Uint8Array): void {
    this.log.record(this, { kind: 'partial', bytes: [...rest] })
  }
}

/**
 * The events of the protocol match the reference's: the same lines and partial line, a
 * `tooLong` where the reference has one, reporting at least `maxLength + 1` bytes and at most the
 * line's true length (the protocol reports an overlong line as soon as it is sure).
 */
function expectSameEvents(actual: LineEvent[], expected: LineEvent[], maxLength: number): void {
  expect(actual.map((e) => e.kind)).toEqual(expected.map((e) => e.kind))
  expected.forEach((want, i) => {
    const got = actual[i]
    if (want.kind === 'tooLong' && got?.kind === 'tooLong') {
      expect(got.length).toBeGreaterThan(maxLength)
      expect(got.length).toBeLessThanOrEqual(want.length)
    } else {
      expect(got).toEqual(want)
    }
  })
}

const delimiters: fc.Arbitrary<number[]> = fc.oneof(
  fc
    .constantFrom('\n', '\r\n', 'abab', '\r\n\r\n', 'aab', 'xyzzy')
    .map((d) => [...new TextEncoder().encode(d)]),
  fc.array(fc.constantFrom<number>(0x61, 0x62, 0x0a, 0x0d), { minLength: 1, maxLength: 5 }),
)

/**
 * A stream of lines whose sizes sit around maxLength (below, equal, one above, far above), drawn
 * from an alphabet holding the delimiter's bytes and `\r`, `\n`, so that delimiter prefixes (and
 * whole delimiters) occur inside lines; cut into reads of random sizes down to 1 byte.
 */
const scenarios: fc.Arbitrary<Scenario> = fc
  .record({
    delimiter: delimiters,
    maxLength: fc.integer({ min: 0, max: 12 }),
    onTooLong: fc.constantFrom<OverflowPolicy>('close', 'discard'),
  })
  .chain(({ delimiter, maxLength, onTooLong }) => {
    const byte = fc.constantFrom(...new Set([...delimiter, 0x61, 0x0a, 0x0d]))
    const size = fc.oneof(
      fc.constantFrom(
        Math.max(0, maxLength - 1),
        maxLength,
        maxLength + 1,
        maxLength + delimiter.length,
        3 * maxLength + 20,
      ),
      fc.nat({ max: 2 * maxLength + 4 }),
    )
    const line = size.chain((n) => fc.array(byte, { minLength: n, maxLength: n }))
    return fc.record({
      delimiter: fc.constant(delimiter),
      maxLength: fc.constant(maxLength),
      onTooLong: fc.constant(onTooLong),
      stream: fc
        .tuple(fc.array(line, { maxLength: 8 }), fc.boolean())
        .map(([lines, terminated]) => {
          const stream: number[] = []
          lines.forEach((l, i) => {
            if (i > 0) {
              stream.push(...delimiter)
            }
            stream.push(...l)
          })
          if (terminated && lines.length > 0) {
            stream.push(...delimiter)
          }
          return stream
        }),
      chunkSizes: fc.oneof(
        fc.constant<number[]>([1]),
        fc.array(fc.integer({ min: 1, max: 16 }), { minLength: 1, maxLength: 12 }),
      ),
    })
  })

describe('LineProtocol against a reference decoder', () => {
  it('delivers what the reference finds, for every chunking, delimiter and policy', () => {
    fc.assert(
      fc.property(scenarios, (s) => {
        const p = new Recorder(s)
        const t = new FakeTransport(p)
        for (const chunk of chunked(new Uint8Array(s.stream), s.chunkSizes)) {
          t.receive(chunk)
        }
        t.receiveEof()
        const expected = referenceLines(s)
        expectSameEvents(p.log.events, expected.events, s.maxLength)
        expect(t.endedBy).toBe(expected.aborted ? 'abort' : 'close')
      }),
      { numRuns: 500 },
    )
  })

  it('never delivers while paused, stops once closing, and resumes in order', () => {
    fc.assert(
      fc.property(scenarios, scripts, (s, script) => {
        const p = new Recorder(s, script)
        const t = play(p, chunked(new Uint8Array(s.stream), s.chunkSizes), script)
        expectSameEvents(p.log.events, expectedUnder(script, referenceLines(s).events), s.maxLength)
        expect(p.log.deliveredWhilePaused).toBe(0)
        expect(t.isClosing()).toBe(true)
      }),
      { numRuns: 400 },
    )
  })
})
