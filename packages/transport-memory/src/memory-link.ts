import type { MemorySide, MemoryPairOptions } from './options.ts'
import type { MemoryTransport } from './memory-transport.ts'
import type { Pipe } from './pipe.ts'
import { Pump } from './pump.ts'
import { seededRandom } from './random.ts'

/** The most bytes one delivery hands over, as one socket read would. */
const READ_SIZE = 64 * 1024

/** One direction of the pair: who writes into the pipe and who reads from it. */
interface Direction {
  readonly to: MemorySide
  readonly pipe: Pipe
  readonly from: MemoryTransport
  readonly reader: MemoryTransport
  delivered: number
}

/** A reset's error: what a socket reports when its peer resets the connection. */
function resetError(): Error {
  return Object.assign(new Error('connection reset by peer (memory transport)'), {
    code: 'ECONNRESET',
  })
}

/**
 * The pump of a memory pair: moves bytes, EOFs and losses between the two transports, one step at
 * a time, and injects the faults the options ask for. Everything it does in a step happens in a
 * fixed order (towards the server, towards the client, then losses), so a run is reproducible.
 */
export class MemoryLink {
  readonly #directions: Direction[]
  readonly #transports: MemoryTransport[]
  readonly #options: MemoryPairOptions
  readonly #random: (() => number) | undefined
  #deliveredTotal = 0
  #broken = false
  readonly #pump: Pump

  constructor(
    options: MemoryPairOptions,
    ends: {
      readonly client: MemoryTransport
      readonly server: MemoryTransport
      readonly toServer: Pipe
      readonly toClient: Pipe
    },
  ) {
    const { client, server, toServer, toClient } = ends
    this.#options = options
    this.#pump = new Pump(this, options.autoPump === true, 'memory pair')
    this.#directions = [
      { to: 'server', pipe: toServer, from: client, reader: server, delivered: 0 },
      { to: 'client', pipe: toClient, from: server, reader: client, delivered: 0 },
    ]
    this.#transports = [server, client]
    this.#random = options.rechunk === undefined ? undefined : seededRandom(options.rechunk.seed)
  }

  /** Read through a method: a reset can happen inside any callback a delivery makes. */
  #isBroken(): boolean {
    return this.#broken
  }

  /** `true` once both transports have called `connectionLost`. */
  get done(): boolean {
    return this.#transports.every((transport) => transport.lost)
  }

  /** Runs one step; `true` when anything happened. */
  step(): boolean {
    return this.#pump.step()
  }

  /** One step's deliveries, for the pump. */
  runStep(): boolean {
    let progress = false
    for (const direction of this.#directions) {
      progress = this.#deliver(direction) || progress
    }
    for (const transport of this.#transports) {
      progress = transport.finishIfDone() || progress
    }
    return progress
  }

  /** Runs steps until nothing more happens; throws past `maxSteps` (protocols that never rest). */
  flush(maxSteps: number): number {
    return this.#pump.flush(maxSteps)
  }

  /** Resets the connection: both transports drop everything and lose it with `ECONNRESET`. */
  reset(): void {
    if (this.#broken) {
      return
    }
    this.#broken = true
    for (const transport of this.#transports) {
      transport.reset(resetError())
    }
    for (const { pipe } of this.#directions) {
      pipe.clear()
    }
    this.wake()
  }

  /** Something can be delivered: in auto-pump mode, run the pump on the next `setImmediate`. */
  get wake(): () => void {
    return this.#pump.wake
  }

  /** Delivers what one direction holds, as far as the reader, the budget and the faults allow. */
  #deliver(direction: Direction): boolean {
    const { pipe, from, reader } = direction
    if (this.#broken) {
      return false
    }
    if (reader.isClosing()) {
      // A closing or closed reader drops what reaches it, so that the writer can still flush.
      if (pipe.size === 0 && !pipe.eofDue) {
        return false
      }
      pipe.clear()
      pipe.markEofDelivered()
      from.outgoingShrank()
      return true
    }
    let progress = false
    let budget = this.#options.maxBytesPerStep ?? Infinity
    while (budget > 0 && pipe.size > 0 && reader.isReading() && !this.#isBroken()) {
      const allowed = this.#allowedBeforeFault(direction)
      if (allowed === 0) {
        progress = true
        break
      }
      const size = Math.min(pipe.size, budget, READ_SIZE, allowed, this.#randomChunkSize())
      const chunk = pipe.take(size)
      from.outgoingShrank()
      reader.deliver(chunk)
      budget -= size
      direction.delivered += size
      this.#deliveredTotal += size
      progress = true
    }
    if (!this.#isBroken()) {
      this.#allowedBeforeFault(direction)
    }
    if (pipe.eofDue && reader.isReading() && !this.#isBroken()) {
      pipe.markEofDelivered()
      reader.deliverEof()
      progress = true
    }
    return progress
  }

  /** Bytes this direction may still deliver before a fault; applies the fault when it is due. */
  #allowedBeforeFault(direction: Direction): number {
    let allowed = Infinity
    const { resetAfterBytes, earlyEof } = this.#options
    if (resetAfterBytes !== undefined) {
      allowed = resetAfterBytes - this.#deliveredTotal
      if (allowed <= 0 && direction.pipe.size > 0) {
        this.reset()
        return 0
      }
    }
    if (earlyEof?.to === direction.to) {
      const beforeEof = earlyEof.afterBytes - direction.delivered
      if (beforeEof <= 0) {
        if (!direction.pipe.eof || direction.pipe.size > 0) {
          direction.pipe.cut()
          direction.from.outgoingShrank()
        }
        return 0
      }
      allowed = Math.min(allowed, beforeEof)
    }
    return Math.max(allowed, 0)
  }

  #randomChunkSize(): number {
    const random = this.#random
    if (random === undefined) {
      return Infinity
    }
    const max = this.#options.rechunk?.maxChunkSize ?? 16
    return 1 + Math.floor(random() * max)
  }
}
