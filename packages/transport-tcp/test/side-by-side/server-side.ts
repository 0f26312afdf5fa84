import type { Action, TraceEvent } from './trace.ts'
import { Waitable } from './waitable.ts'

/** One server of a side-by-side scenario: asyncio's or wirekit's, recording the same way. */
export interface ServerSide {
  readonly label: 'asyncio' | 'wirekit'
  /** The port it listens on, on 127.0.0.1. */
  readonly port: number
  /** What the protocol of its (one) connection recorded so far. */
  readonly log: TraceLog
  /** Makes the protocol of the latest connection run `actions`, as one step of its event loop. */
  command(actions: readonly Action[]): Promise<void>
  /**
   * Resolves once the server no longer reads the connection's socket: asyncio closes it right
   * before `connection_lost`; wirekit may keep reading (and discarding) after a `close()` until the
   * peer's EOF, the lingering close.
   */
  released(): Promise<void>
  /** Stops the server and waits until it has; a second call does nothing more. */
  stop(): Promise<void>
}

/** The events one side recorded, with a way to await what a scenario expects. */
export class TraceLog extends Waitable {
  readonly events: TraceEvent[] = []
  readonly label: string
  /** More to show when a wait fails (a process's stderr). */
  readonly details: () => string

  constructor(label: string, details: () => string = () => '') {
    super()
    this.label = label
    this.details = details
  }

  push(event: TraceEvent): void {
    this.events.push(event)
    this.notify()
  }

  /**
   * Resolves once a callback or call named `name` has been recorded; rejects once the connection
   * is lost without it.
   */
  waitFor(name: string): Promise<void> {
    const recorded = (wanted: string) => this.events.some((event) => event.name === wanted)
    return this.until(
      () => recorded(name),
      `${name} in the ${this.label} trace`,
      () => recorded('connectionLost'),
    )
  }

  describe(): string {
    const lines = this.events.map((event) => JSON.stringify(event))
    const details = this.details()
    return [`${this.label} trace:`, ...lines, ...(details === '' ? [] : [details])].join('\n')
  }
}
