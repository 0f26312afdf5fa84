import fc from 'fast-check'
import type { StreamProtocolCallbacks, Transport } from '@wirekit/protocol-core'
import { FakeTransport, type EofWhilePaused } from './fake-transport.ts'

/** What a test handler does right after the n-th callback it gets. */
export type Action = 'none' | 'pause' | 'close' | 'abort'

/** How a paused reader is resumed after a read of the network. */
export type Resume = 'protocol' | 'transport' | 'later'

/** A framing protocol as the scripted handlers drive it. */
export interface Scripted extends StreamProtocolCallbacks {
  readonly transport: Transport | undefined
  pauseReading(): void
  resumeReading(): void
}

/** An action per callback, how to resume after each read, what EOF does while paused. */
export interface Script {
  actions: Action[]
  resumes: Resume[]
  eofWhilePaused: EofWhilePaused
}

export const scripts: fc.Arbitrary<Script> = fc.record({
  actions: fc.array(fc.constantFrom<Action>('none', 'none', 'pause', 'pause', 'close', 'abort'), {
    maxLength: 12,
  }),
  resumes: fc.array(fc.constantFrom<Resume>('protocol', 'transport', 'later'), { minLength: 1 }),
  eofWhilePaused: fc.constantFrom<EofWhilePaused>('hold', 'deliver'),
})

/**
 * Records a protocol's callbacks and runs the script's action after each one; counts those that
 * came while the transport was not reading.
 */
export class ScriptedLog<TEvent> {
  readonly events: TEvent[] = []
  deliveredWhilePaused = 0
  readonly #actions: readonly Action[]

  constructor(actions: readonly Action[] = []) {
    this.#actions = actions
  }

  record(protocol: Scripted, event: TEvent): void {
    if (protocol.transport?.isReading() === false) {
      this.deliveredWhilePaused++
    }
    this.events.push(event)
    const action = this.#actions[this.events.length - 1] ?? 'none'
    if (action === 'pause') {
      protocol.pauseReading()
    } else if (action !== 'none') {
      protocol.transport?.[action]()
    }
  }
}

/**
 * Connects `protocol` to a fake transport and plays `chunks` then EOF, resuming after each read
 * as the script says; at the end resumes through the protocol until the transport closes.
 */
export function play(
  protocol: Scripted,
  chunks: readonly Uint8Array[],
  script: Script,
): FakeTransport {
  const t = new FakeTransport(protocol, script.eofWhilePaused)
  chunks.forEach((chunk, i) => {
    t.receive(chunk)
    const resume = script.resumes[i % script.resumes.length]
    if (resume === 'protocol') {
      protocol.resumeReading()
    } else if (resume === 'transport') {
      t.resumeReading()
    }
  })
  t.receiveEof()
  // Each resume runs to the next scripted pause at least: this many always suffice.
  for (let i = 0; i <= script.actions.length && !t.isClosing(); i++) {
    protocol.resumeReading()
  }
  return t
}

/** The events a scripted run must see: all of them, or up to the one whose handler closed. */
export function expectedUnder<TEvent>(script: Script, events: readonly TEvent[]): TEvent[] {
  const ender = script.actions.findIndex(
    (action, i) => (action === 'close' || action === 'abort') && i < events.length,
  )
  return ender < 0 ? [...events] : events.slice(0, ender + 1)
}
