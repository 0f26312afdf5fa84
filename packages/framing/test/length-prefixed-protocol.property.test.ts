import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { FrameTooLongError } from '../src/index.ts'
import { LengthPrefixedProtocol } from '../src/index.ts'
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
type FrameEvent =
  | { kind: 'frame'; bytes: number[] }
  | { kind: 'tooLong'; length: number }
  | { kind: 'partial'; bytes: number[] }

interface Scenario {
  prefixLength: 1 | 2 | 4
  endian: 'big' | 'little'
  maxLength: number
  stream: number[]
  chunkSizes: number[]
}

function prefix(length: number, s: Pick<Scenario, 'prefixLength' | 'endian'>): number[] {
  const bytes = Array.from(
    { length: s.prefixLength },
    (_, i) => Math.floor(length / 256 ** i) % 256,
  )
  return s.endian === 'little' ? bytes : bytes.reverse()
}

function readPrefix(bytes: readonly number[], s: Scenario): number {
  const ordered = s.endian === 'little' ? [...bytes].reverse() : bytes
  return ordered.reduce((n, byte) => n * 256 + byte, 0)
}

/**
 * The obvious decoder, on the whole stream at once: read a prefix, then that many bytes; a prefix
 * announcing more than maxLength ends everything; bytes left over at the end are the partial frame.
 */
function referenceFrames(s: Scenario): { events: FrameEvent[]; aborted: boolean } {
  const events: FrameEvent[] = []
  const rest = (from: number): { events: FrameEvent[]; aborted: boolean } => {
    events.push({ kind: 'partial', bytes: s.stream.slice(from) })
    return { events, aborted: false }
  }
  let position = 0
  while (position < s.stream.length) {
    if (s.stream.length - position < s.prefixLength) {
      return rest(position)
    }
    const length = readPrefix(s.stream.slice(position, position + s.prefixLength), s)
    if (length > s.maxLength) {
      events.push({ kind: 'tooLong', length })
      return { events, aborted: true }
    }
    const start = position + s.prefixLength
    if (s.stream.length - start < length) {
      return rest(position)
    }
    events.push({ kind: 'frame', bytes: s.stream.slice(start, start + length) })
    position = start + length
  }
  return { events, aborted: false }
}

/** Records every callback in order; runs a script's action after each one. */
class Recorder extends LengthPrefixedProtocol implements Scripted {
  readonly log: ScriptedLog<FrameEvent>

  constructor(s: Scenario, script?: Script) {
    super({ prefixLength: s.prefixLength, endian: s.endian, maxLength: s.maxLength })
    this.log = new ScriptedLog(script?.actions)
  }

  override frameReceived(frame: Uint8Array): void {
    this.log.record(this, { kind: 'frame', bytes: [...frame] })
  }
  override frameTooLong(error: FrameTooLongError): void {
    expect(error.code).toBe('ERR_FRAME_TOO_LONG')
    expect(error.maxLength).toBe(this.maxLength)
    this.log.record(this, { kind: 'tooLong', length: error.length })
  }
  override partialFrameAtEof(rest: Uint8Array): void {
    this.log.record(this, { kind: 'partial', bytes: [...rest] })
  }
}

/**
 * Streams of frames whose announced lengths sit around maxLength (below, equal, one above, far
 * above, the largest the prefix holds), for every prefix size and byte order, cut at a random
 * point (a partial last frame), in reads of random sizes down to 1 byte. An overlong frame's body
 * is left short: nothing after its prefix may matter.
 */
const scenarios: fc.Arbitrary<Scenario> = fc
  .record({
    prefixLength: fc.constantFrom<1 | 2 | 4>(1, 2, 4),
    endian: fc.constantFrom<'big' | 'little'>('big', 'little'),
    smallMax: fc.integer({ min: 0, max: 12 }),
    largeMax: fc.boolean(),
  })
  .chain(({ prefixLength, endian, smallMax, largeMax }) => {
    const largest = 2 ** (8 * prefixLength) - 1
    const maxLength = largeMax ? Math.min(largest, 3000) : smallMax
    const length = fc
      .oneof(
        fc.constantFrom(
          Math.max(0, maxLength - 1),
          maxLength,
          maxLength + 1,
          3 * maxLength + 20,
          largest,
        ),
        fc.nat({ max: 2 * maxLength + 4 }),
      )
      .map((n) => Math.min(n, largest))
    const frame = fc
      .tuple(length, fc.uint8Array({ maxLength: 20 }), fc.integer({ min: 0, max: 255 }))
      .map(([announced, junk, fill]) => [
        ...prefix(announced, { prefixLength, endian }),
        ...(announced > maxLength ? [...junk] : Array<number>(announced).fill(fill)),
      ])
    return fc.record({
      prefixLength: fc.constant(prefixLength),
      endian: fc.constant(endian),
      maxLength: fc.constant(maxLength),
      stream: fc
        .tuple(fc.array(frame, { maxLength: 6 }), fc.option(fc.nat()))
        .map(([frames, cut]) => {
          const stream = frames.flat()
          return cut == null ? stream : stream.slice(0, cut % (stream.length + 1))
        }),
      chunkSizes: fc.oneof(
        fc.constant<number[]>([1]),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 12 }),
      ),
    })
  })

describe('LengthPrefixedProtocol against a reference decoder', () => {
  it('delivers what the reference finds, for every chunking, prefix size and byte order', () => {
    fc.assert(
      fc.property(scenarios, (s) => {
        const p = new Recorder(s)
        const t = new FakeTransport(p)
        for (const chunk of chunked(new Uint8Array(s.stream), s.chunkSizes)) {
          t.receive(chunk)
        }
        t.receiveEof()
        const expected = referenceFrames(s)
        expect(p.log.events).toEqual(expected.events)
        expect(t.endedBy).toBe(expected.aborted ? 'abort' : 'close')
      }),
      { numRuns: 400 },
    )
  })

  it('never delivers while paused, stops once closing, and resumes in order', () => {
    fc.assert(
      fc.property(scenarios, scripts, (s, script) => {
        const p = new Recorder(s, script)
        const t = play(p, chunked(new Uint8Array(s.stream), s.chunkSizes), script)
        expect(p.log.events).toEqual(expectedUnder(script, referenceFrames(s).events))
        expect(p.log.deliveredWhilePaused).toBe(0)
        expect(t.isClosing()).toBe(true)
      }),
      { numRuns: 300 },
    )
  })
})
