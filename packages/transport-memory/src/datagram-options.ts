import type { MemoryEndOptions } from './options.ts'

/**
 * Seeded fault injection on a memory datagram pair: each datagram may be lost, held back by a
 * step (so that later ones overtake it), or delivered twice. The same seed and options give the
 * same faults on every run.
 */
export interface DatagramFaultOptions {
  /** Seeds the pseudo-random generator: the same seed gives the same faults on every run. */
  readonly seed: number
  /**
   * The probability, from 0 to 1, that a datagram is lost.
   * @default 0
   */
  readonly loss?: number
  /**
   * The probability, from 0 to 1, that a datagram is delivered one step late, after datagrams
   * sent after it.
   * @default 0
   */
  readonly reorder?: number
  /**
   * The probability, from 0 to 1, that a datagram is delivered twice (the copy right after it).
   * @default 0
   */
  readonly duplicate?: number
}

/**
 * Options of one endpoint of a memory datagram pair: the same as a stream pair's ends (water
 * marks, `onError`, `onWarning`). Given at the top level of {@link MemoryDatagramPairOptions} they
 * apply to both; under `client` or `server`, to that endpoint only (taking precedence).
 */
export type MemoryDatagramEndOptions = MemoryEndOptions

/** Options of {@link createMemoryDatagramPair}. */
export interface MemoryDatagramPairOptions extends MemoryDatagramEndOptions {
  /**
   * Delivers on `setImmediate` whenever there is something to deliver, instead of waiting for
   * `pair.step()` / `pair.flush()`. The order of deliveries is the same either way.
   * @default false
   */
  autoPump?: boolean
  /**
   * Connects the client to the server (asyncio's `remote_addr`): the client sends without an
   * address, only to the server, and a datagram it sends after the server closed gets
   * `errorReceived` with code `ECONNREFUSED`, as ICMP port unreachable gives on a real network.
   * `false` leaves it unconnected: it names the server's address in each `sendto()`.
   * @default true
   */
  connected?: boolean
  /** Options of the client's transport only. */
  client?: MemoryDatagramEndOptions
  /** Options of the server's transport only. */
  server?: MemoryDatagramEndOptions
  /**
   * The largest datagram the link carries, in bytes of payload (the path's MTU less the IP and
   * UDP headers: 1472 for Ethernet over IPv4). A larger one is not delivered and its sender gets
   * `errorReceived` with code `EMSGSIZE`, as a sender that forbids fragmentation (Linux's
   * `IP_PMTUDISC_DO`, as QUIC sets) does on a real network. The default is the most IPv4 can
   * carry, where Linux fails `send()` with `EMSGSIZE` whatever the path.
   * @default 65507
   */
  maxDatagramSize?: number
  /**
   * A slow link: each step carries at most this many datagrams per direction, so the sender's
   * queue fills and `pauseWriting` fires.
   * @default Infinity
   */
  maxDatagramsPerStep?: number
  /** Seeded loss, reordering and duplication. */
  faults?: DatagramFaultOptions
}
