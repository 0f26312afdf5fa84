import type { DatagramProtocolFactory } from '@wirekit/protocol-core'
import type { HarnessTransportOptions } from './harness.ts'

/** What {@link DatagramHarness.open} is asked to open. */
export interface DatagramHarnessOpenOptions {
  /** Makes the protocol of the client endpoint; called exactly once. */
  readonly client: DatagramProtocolFactory
  /** Makes the protocol of the server endpoint; called exactly once. */
  readonly server: DatagramProtocolFactory
  /**
   * `true`: the client is connected to the server's address (its `peername`); `false`: it is
   * unconnected and names the server's address in each `sendto()`.
   */
  readonly connected: boolean
  /** Options of the client's transport. */
  readonly clientOptions?: HarnessTransportOptions
  /** Options of the server's transport. */
  readonly serverOptions?: HarnessTransportOptions
}

/** The endpoints a harness opened. The suite reaches the transports through the protocols. */
export interface DatagramHarnessEndpoints {
  /**
   * Releases everything the endpoints hold (sockets, pumps), aborting transports that are still
   * open. Called by the suite after each test, even a failed one; must be safe to call after the
   * endpoints have closed.
   */
  dispose(): Promise<void>
}

/**
 * How the datagram compliance suite opens endpoints over one kind of datagram transport.
 * Implement it in the transport's own tests and pass it to `describeDatagramCompliance`.
 *
 * Rules an implementation must keep, so that the suite never has to sleep:
 * - Datagrams and closes travel on their own (a deterministic transport runs in its automatic
 *   mode), without loss, duplication or reordering for the few datagrams the suite sends at a
 *   time (as loopback does).
 * - The server is unconnected and bound to an address of its own (`sockname`); the client is
 *   bound to an address of the same family, so that each sees the other's `sockname` as the
 *   sender of what it receives.
 * - A connected client whose server is gone gets `errorReceived` with code `ECONNREFUSED` once
 *   it sends (ICMP port unreachable), and a datagram over 65535 bytes gets `errorReceived` with
 *   code `EMSGSIZE`.
 *
 * @example
 * ```ts
 * const harness: DatagramHarness = {
 *   name: 'memory datagrams',
 *   open: ({ client, server, connected, clientOptions, serverOptions }) => {
 *     const pair = createMemoryDatagramPair(client, server, {
 *       autoPump: true,
 *       connected,
 *       client: clientOptions,
 *       server: serverOptions,
 *     })
 *     return Promise.resolve({ dispose: () => Promise.resolve(pair.dispose()) })
 *   },
 * }
 * describeDatagramCompliance(harness)
 * ```
 */
export interface DatagramHarness {
  /** The name the suite is registered under, such as `'udp 127.0.0.1'`. */
  readonly name: string
  /** Opens a client and a server endpoint; resolves once both `connectionMade` calls have run. */
  open(options: DatagramHarnessOpenOptions): Promise<DatagramHarnessEndpoints>
}
