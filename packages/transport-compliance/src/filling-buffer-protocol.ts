import type { BufferedProtocolCallbacks, Transport } from '@wirekit/protocol-core'
import { RecordingProtocol } from './recording-protocol.ts'

/**
 * A buffered protocol written the natural way, to hold transports to asyncio's rules for
 * `get_buffer()`: it allocates its memory in `connectionMade`, hands out the free part of it
 * (`getBuffer` returns the bytes after those it holds), pauses reading when it is full, and
 * empties it later, whenever the test calls {@link FillingBufferProtocol.empty}.
 *
 * Each `bufferUpdated` is recorded as a `dataReceived` of the bytes it announces, read from where
 * the protocol expects them: bytes that landed anywhere else show up as wrong data. A `getBuffer`
 * call before `connectionMade`, while reading is paused, once the transport is closing or after
 * `connectionLost` is a violation, as is a `bufferUpdated` that does not fit the free part.
 *
 * @example
 * ```ts
 * const server = new FillingBufferProtocol(10)
 * // ... connect it, send 10 bytes, await server.waitFor('dataReceived') ...
 * server.empty() // makes room and resumes reading
 * ```
 */
export class FillingBufferProtocol extends RecordingProtocol implements BufferedProtocolCallbacks {
  /** How many times `getBuffer` has been called. */
  getBufferCalls = 0
  readonly #size: number
  #memory: Uint8Array | undefined
  #filled = 0
  #handedOut = 0
  #paused = false

  /** @param size - The size of the memory allocated in `connectionMade`. */
  constructor(size: number) {
    super()
    this.#size = size
  }

  /** The number of bytes held, not yet emptied. */
  get filled(): number {
    return this.#filled
  }

  override connectionMade(transport: Transport): void {
    this.#memory = new Uint8Array(this.#size)
    super.connectionMade(transport)
  }

  getBuffer(_sizeHint: number): Uint8Array {
    this.getBufferCalls += 1
    const memory = this.#memory
    if (memory === undefined) {
      this.violations.push('getBuffer before connectionMade')
      return new Uint8Array(1)
    }
    if (this.#paused) {
      this.violations.push('getBuffer while reading is paused')
    }
    if (this.transport?.isClosing() === true) {
      this.violations.push('getBuffer while the transport is closing')
    }
    if (this.lost() !== undefined) {
      this.violations.push('getBuffer after connectionLost')
    }
    const free = memory.subarray(this.#filled)
    this.#handedOut = free.length
    return free.length > 0 ? free : memory
  }

  bufferUpdated(nbytes: number): void {
    const memory = this.#memory ?? new Uint8Array(0)
    if (!Number.isInteger(nbytes) || nbytes <= 0 || nbytes > this.#handedOut) {
      this.violations.push(`bufferUpdated(${nbytes}) with ${this.#handedOut} bytes handed out`)
    }
    const data = memory.slice(this.#filled, this.#filled + nbytes)
    this.#filled += nbytes
    this.checkData(data)
    if (this.#filled >= this.#size) {
      this.#paused = true
      this.t.pauseReading()
    }
    this.recordData(data, () => undefined)
  }

  /** Forgets what the memory holds (as a protocol done with it would) and resumes reading. */
  empty(): void {
    this.#filled = 0
    if (this.#paused) {
      this.#paused = false
      this.t.resumeReading()
    }
  }
}
