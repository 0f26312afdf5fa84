import { isSameAddress, type DatagramAddress } from '@wirekit/protocol-core'
import type { MemoryDatagramPairOptions } from './datagram-options.ts'
import type { MemoryDatagramTransport } from './memory-datagram-transport.ts'
import { Pump } from './pump.ts'
import { seededRandom } from './random.ts'

/** The most IPv4 can carry in one UDP datagram: Linux refuses larger ones with `EMSGSIZE`. */
export const MAX_UDP_PAYLOAD = 65507

/** What a memory datagram pair counts, for tests that check a fault's effect. */
export interface MemoryDatagramStats {
  /** Datagrams taken from the senders' queues. */
  readonly sent: number
  /** Datagrams handed to a receiving endpoint (duplicates included). */
  readonly delivered: number
  /** Datagrams lost by the `loss` fault. */
  readonly lost: number
  /** Datagrams held back a step by the `reorder` fault. */
  readonly reordered: number
  /** Extra copies delivered by the `duplicate` fault. */
  readonly duplicated: number
  /** Datagrams over `maxDatagramSize`, failed with `EMSGSIZE`. */
  readonly tooLarge: number
  /** Datagrams that found no open endpoint at their address. */
  readonly unreachable: number
}

/** A datagram on its way, after it left its sender's queue. */
interface InFlight {
  readonly data: Uint8Array
  readonly from: MemoryDatagramTransport
  readonly to: DatagramAddress | undefined
}

function systemError(code: string, message: string): Error {
  return Object.assign(new Error(`${message} (memory transport)`), { code })
}

/**
 * The pump of a memory datagram pair: carries datagrams between the two endpoints one step at a
 * time and injects the faults the options ask for. Everything in a step happens in a fixed order
 * (towards the server, towards the client, then closes), so a run is reproducible.
 */
export class MemoryDatagramLink {
  readonly #endpoints: readonly MemoryDatagramTransport[]
  readonly #options: MemoryDatagramPairOptions
  readonly #random: (() => number) | undefined
  /** Per sender: datagrams held back by the reorder fault, delivered at the next step. */
  readonly #delayed = new Map<MemoryDatagramTransport, InFlight[]>()
  readonly #stats = {
    sent: 0,
    delivered: 0,
    lost: 0,
    reordered: 0,
    duplicated: 0,
    tooLarge: 0,
    unreachable: 0,
  }
  readonly #pump: Pump

  /** @param endpoints - The client, then the server: datagrams move towards the server first. */
  constructor(options: MemoryDatagramPairOptions, endpoints: readonly MemoryDatagramTransport[]) {
    this.#options = options
    this.#pump = new Pump(this, options.autoPump === true, 'memory datagram pair')
    this.#endpoints = endpoints
    this.#random = options.faults === undefined ? undefined : seededRandom(options.faults.seed)
  }

  /** What the pair has counted so far (a snapshot). */
  get stats(): MemoryDatagramStats {
    return { ...this.#stats }
  }

  /** `true` once every endpoint has called `connectionLost`. */
  get done(): boolean {
    return this.#endpoints.every((endpoint) => endpoint.lost)
  }

  /** Runs one step; `true` when anything happened. */
  step(): boolean {
    return this.#pump.step()
  }

  /** One step's deliveries, for the pump. */
  runStep(): boolean {
    let progress = false
    for (const endpoint of this.#endpoints) {
      progress = this.#carry(endpoint) || progress
    }
    for (const endpoint of this.#endpoints) {
      progress = endpoint.finishIfClosed() || progress
    }
    return progress
  }

  /** Runs steps until nothing more happens; throws past `maxSteps` (protocols that never rest). */
  flush(maxSteps: number): number {
    return this.#pump.flush(maxSteps)
  }

  /** Something can be delivered: in auto-pump mode, run the pump on the next `setImmediate`. */
  get wake(): () => void {
    return this.#pump.wake
  }

  /** Carries what one endpoint sent: last step's held-back datagrams first, then its queue. */
  #carry(sender: MemoryDatagramTransport): boolean {
    const held = this.#delayed.get(sender) ?? []
    this.#delayed.delete(sender)
    const limit = this.#options.maxDatagramsPerStep ?? Infinity
    const taken = sender.outbox.splice(0, Math.min(limit, sender.outbox.length))
    for (const flight of held) {
      this.#deliver(flight)
    }
    const maxSize = this.#options.maxDatagramSize ?? MAX_UDP_PAYLOAD
    for (const { data, to, done } of taken) {
      this.#stats.sent += 1
      if (data.byteLength > maxSize) {
        this.#stats.tooLarge += 1
        done(systemError('EMSGSIZE', `message too long: ${data.byteLength} > ${maxSize} bytes`))
        continue
      }
      done()
      this.#fly({ data, from: sender, to: to ?? sender.peer })
    }
    return held.length > 0 || taken.length > 0
  }

  /** Applies the faults to one datagram that left its sender. */
  #fly(flight: InFlight): void {
    const faults = this.#options.faults
    const random = this.#random
    if (faults === undefined || random === undefined) {
      this.#deliver(flight)
      return
    }
    if (random() < (faults.loss ?? 0)) {
      this.#stats.lost += 1
      return
    }
    if (random() < (faults.reorder ?? 0)) {
      this.#stats.reordered += 1
      const held = this.#delayed.get(flight.from) ?? []
      held.push(flight)
      this.#delayed.set(flight.from, held)
      return
    }
    const copy = random() < (faults.duplicate ?? 0) ? flight.data.slice() : undefined
    this.#deliver(flight)
    if (copy !== undefined) {
      this.#stats.duplicated += 1
      this.#deliver({ ...flight, data: copy })
    }
  }

  /** Hands a datagram to the endpoint at its address, or refuses it as a closed port would. */
  #deliver({ data, from, to }: InFlight): void {
    const target =
      to === undefined
        ? undefined
        : this.#endpoints.find((endpoint) => isSameAddress(endpoint.address, to))
    if (target === undefined || target.refusing) {
      this.#stats.unreachable += 1
      // ICMP port unreachable: only a connected socket hears of it, as on Linux.
      if (target !== undefined && from.peer !== undefined) {
        from.fail(systemError('ECONNREFUSED', 'connection refused: the peer is closed'))
      }
      return
    }
    this.#stats.delivered += 1
    target.receive(data, from.address)
  }
}
