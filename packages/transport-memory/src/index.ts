/**
 * An in-memory wirekit transport pair: two protocols talk through transports that keep the whole
 * transport contract (call order, water marks, half-close, close/abort, contained callback
 * errors) without a socket, deterministically, with fault injection (re-chunking, a slow reader,
 * a reset, an early EOF). Made for unit-testing protocols.
 *
 * Delivery is driven by an explicit pump by default: nothing moves until `pair.step()` or
 * `pair.flush()`, so a test decides every interleaving. `{ autoPump: true }` runs the same pump on
 * `setImmediate` instead.
 *
 * `createMemoryDatagramPair` does the same for datagram protocols, with seeded loss, reordering,
 * duplication, a largest datagram size and a slow link.
 *
 * @example
 * ```ts
 * import { Protocol, type Transport } from '@wirekit/protocol-core'
 * import { createMemoryPair } from '@wirekit/transport-memory'
 *
 * class Echo extends Protocol {
 *   override dataReceived(data: Uint8Array): void {
 *     this.transport?.write(data)
 *   }
 * }
 *
 * class Client extends Protocol {
 *   received = ''
 *   override connectionMade(transport: Transport): void {
 *     super.connectionMade(transport)
 *     transport.write(new TextEncoder().encode('hello'))
 *   }
 *   override dataReceived(data: Uint8Array): void {
 *     this.received += new TextDecoder().decode(data)
 *   }
 * }
 *
 * const pair = createMemoryPair(() => new Client(), () => new Echo())
 * pair.flush()
 * console.log(pair.client.protocol.received) // 'hello'
 * ```
 *
 * @packageDocumentation
 */

export { createMemoryPair, type MemoryEnd, type MemoryPair } from './create-memory-pair.ts'
export type {
  EarlyEofOptions,
  MemoryEndOptions,
  MemoryPairOptions,
  MemorySide,
  RechunkOptions,
} from './options.ts'
export {
  createMemoryDatagramPair,
  type MemoryDatagramEnd,
  type MemoryDatagramPair,
} from './create-memory-datagram-pair.ts'
export type {
  DatagramFaultOptions,
  MemoryDatagramEndOptions,
  MemoryDatagramPairOptions,
} from './datagram-options.ts'
export type { MemoryDatagramStats } from './memory-datagram-link.ts'
