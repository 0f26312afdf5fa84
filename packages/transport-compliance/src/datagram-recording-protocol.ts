import type {
  DatagramAddress,
  DatagramProtocolCallbacks,
  DatagramTransport,
  TransportAddress,
} from '@wirekit/protocol-core'

/** The name of a callback a {@link DatagramRecordingProtocol} records. */
export type RecordedDatagramCallback =
  | 'connectionMade'
  | 'datagramReceived'
  | 'errorReceived'
  | 'connectionLost'
  | 'pauseWriting'
  | 'resumeWriting'

/** One callback as the datagram protocol saw it. */
export interface RecordedDatagramEvent {
  /** The callback. */
  readonly name: RecordedDatagramCallback
  /** For `datagramReceived`: an owned copy of the datagram. */
  readonly data?: Uint8Array
  /** For `datagramReceived`: who sent it. */
  readonly address?: TransportAddress
  /** For `errorReceived` and `connectionLost`: the error it was given. */
  readonly error?: Error | undefined
  /** For `pauseWriting`/`resumeWriting`: the transport's write-buffer size at that moment. */
  readonly bufferSize?: number
}

/**
 * What a test makes a datagram recorder do in a callback, after the callback has been recorded.
 * A hook may throw: the error escapes to the transport, as a faulty protocol's would.
 */
export interface DatagramRecorderHooks {
  connectionMade?(transport: DatagramTransport): void
  datagramReceived?(data: Uint8Array, address: TransportAddress): void
  errorReceived?(error: Error): void
  connectionLost?(error: Error | undefined): void
  pauseWriting?(): void
  resumeWriting?(): void
}

interface Waiter {
  readonly test: () => boolean
  readonly resolve: () => void
}

/**
 * A datagram protocol that records every callback in order, checks the call order as it goes,
 * and lets a test await what it expects instead of sleeping.
 *
 * Order violations (a callback before `connectionMade` or after `connectionLost`, a second
 * `connectionMade` or `connectionLost`, `connectionLost` inside another callback, a datagram once
 * the transport is closing, `errorReceived` inside a {@link DatagramRecordingProtocol.send}, a
 * pause while paused or a resume without a pause) are collected in
 * {@link DatagramRecordingProtocol.violations} rather than thrown; the suite asserts the list is
 * empty after every test.
 *
 * @example
 * ```ts
 * const server = new DatagramRecordingProtocol({
 *   datagramReceived: (data, address) => server.t.sendto(data, address),
 * })
 * ```
 */
export class DatagramRecordingProtocol implements DatagramProtocolCallbacks {
  /** The transport given to `connectionMade` (or to {@link DatagramRecordingProtocol.adopt}). */
  transport: DatagramTransport | undefined
  /** Every callback so far, oldest first. */
  readonly events: RecordedDatagramEvent[] = []
  /** Every breach of the call order seen so far. */
  readonly violations: string[] = []
  /** What the callbacks do besides recording; may be replaced at any time. */
  hooks: DatagramRecorderHooks
  #depth = 0
  #sending = false
  readonly #waiters: Waiter[] = []

  /** @param hooks - What the callbacks do besides recording. */
  constructor(hooks: DatagramRecorderHooks = {}) {
    this.hooks = hooks
  }

  /** The names of the callbacks so far, oldest first. */
  names(): RecordedDatagramCallback[] {
    return this.events.map((event) => event.name)
  }

  /** How many times `name` has been called. */
  count(name: RecordedDatagramCallback): number {
    return this.events.filter((event) => event.name === name).length
  }

  /** Every datagram received so far, in order. */
  datagrams(): Uint8Array[] {
    return this.events.flatMap((event) =>
      event.name === 'datagramReceived' && event.data !== undefined ? [event.data] : [],
    )
  }

  /** Every error `errorReceived` was given so far, in order. */
  errors(): Error[] {
    return this.events.flatMap((event) =>
      event.name === 'errorReceived' && event.error !== undefined ? [event.error] : [],
    )
  }

  /** The `connectionLost` event, once it has come. */
  lost(): RecordedDatagramEvent | undefined {
    return this.events.find((event) => event.name === 'connectionLost')
  }

  /** The transport, which must have been given by now. */
  get t(): DatagramTransport {
    const transport = this.transport
    if (transport === undefined) {
      throw new Error('the transport has not called connectionMade yet')
    }
    return transport
  }

  /** Takes over a transport handed on with `setProtocol`: no `connectionMade` is expected then. */
  adopt(transport: DatagramTransport): void {
    this.transport = transport
    this.events.push({ name: 'connectionMade' })
  }

  /** Calls `sendto` on the transport, flagging any `errorReceived` made inside it. */
  send(data: Uint8Array, address?: DatagramAddress): void {
    this.#sending = true
    try {
      this.t.sendto(data, address)
    } finally {
      this.#sending = false
    }
  }

  /** Resolves once `test` holds; it is checked now and after every callback. */
  until(test: () => boolean): Promise<void> {
    if (test()) {
      return Promise.resolve()
    }
    return new Promise((resolve) => this.#waiters.push({ test, resolve }))
  }

  /** Resolves once `name` has been called `count` times (default once). */
  waitFor(name: RecordedDatagramCallback, count = 1): Promise<void> {
    return this.until(() => this.count(name) >= count)
  }

  connectionMade(transport: DatagramTransport): void {
    if (this.events.length > 0) {
      this.violations.push(`connectionMade after ${this.names().join(', ')}`)
    }
    this.transport = transport
    this.#enter({ name: 'connectionMade' })
    this.#run(() => this.hooks.connectionMade?.(transport))
  }

  datagramReceived(data: Uint8Array, address: TransportAddress): void {
    if (this.transport?.isClosing() === true) {
      this.violations.push('datagramReceived while the transport is closing')
    }
    // new Uint8Array(): a copy even of a Buffer, whose slice() is a view.
    this.#enter({ name: 'datagramReceived', data: new Uint8Array(data), address })
    this.#run(() => this.hooks.datagramReceived?.(data, address))
  }

  errorReceived(error: Error): void {
    if (this.#sending) {
      this.violations.push('errorReceived inside sendto()')
    }
    this.#enter({ name: 'errorReceived', error })
    this.#run(() => this.hooks.errorReceived?.(error))
  }

  connectionLost(error: Error | undefined): void {
    if (this.#depth > 0) {
      this.violations.push('connectionLost called inside another callback')
    }
    this.#enter({ name: 'connectionLost', error })
    this.#run(() => this.hooks.connectionLost?.(error))
  }

  pauseWriting(): void {
    if (this.count('pauseWriting') !== this.count('resumeWriting')) {
      this.violations.push('pauseWriting while already paused')
    }
    this.#enter({ name: 'pauseWriting', bufferSize: this.transport?.getWriteBufferSize() ?? -1 })
    this.#run(() => this.hooks.pauseWriting?.())
  }

  resumeWriting(): void {
    if (this.count('pauseWriting') - this.count('resumeWriting') !== 1) {
      this.violations.push('resumeWriting without a pauseWriting')
    }
    this.#enter({ name: 'resumeWriting', bufferSize: this.transport?.getWriteBufferSize() ?? -1 })
    this.#run(() => this.hooks.resumeWriting?.())
  }

  #enter(event: RecordedDatagramEvent): void {
    if (this.lost() !== undefined) {
      this.violations.push(`${event.name} after connectionLost`)
    } else if (event.name !== 'connectionMade' && this.events.length === 0) {
      this.violations.push(`${event.name} before connectionMade`)
    }
    this.events.push(event)
  }

  /** Runs a hook inside the callback, then wakes the waiters whose condition now holds. */
  #run(hook: () => void): void {
    this.#depth += 1
    try {
      hook()
    } finally {
      this.#depth -= 1
      this.#wake()
    }
  }

  #wake(): void {
    for (let i = this.#waiters.length - 1; i >= 0; i -= 1) {
      const waiter = this.#waiters[i]
      if (waiter?.test() === true) {
        this.#waiters.splice(i, 1)
        waiter.resolve()
      }
    }
  }
}
