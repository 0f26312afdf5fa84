import type { ProtocolFactory, WriteBufferLimits } from '@wirekit/protocol-core'

/**
 * The per-side options the suite passes to a transport; each maps to the transport's own option
 * of the same name (transport-tcp's `TCPSocketOptions`, transport-memory's pair options).
 */
export interface HarnessTransportOptions {
  /** The water marks the transport starts with. */
  readonly writeBufferLimits?: Partial<WriteBufferLimits>
  /** Told of every error a protocol callback throws (a `ProtocolCallbackError`). */
  readonly onError?: (error: Error) => void
  /** Told of harmless misuse, such as writes that keep coming after a close. */
  readonly onWarning?: (message: string) => void
}

/** What {@link TransportHarness.connect} is asked to connect. */
export interface HarnessConnectOptions {
  /** Makes the protocol of the connecting (client) side; called exactly once. */
  readonly client: ProtocolFactory
  /** Makes the protocol of the accepting (server) side; called exactly once. */
  readonly server: ProtocolFactory
  /** Options of the client's transport. */
  readonly clientOptions?: HarnessTransportOptions
  /** Options of the server's transport. */
  readonly serverOptions?: HarnessTransportOptions
}

/**
 * One connection made by a harness. The suite reaches both transports through the protocols it
 * made (each gets its transport in `connectionMade`); this only gives what a protocol cannot do.
 */
export interface HarnessConnection {
  /**
   * Breaks the connection as a network failure would, from the client's end: the server's
   * transport must end with exactly one `connectionLost(error)` carrying an `Error` (for TCP, an
   * `ECONNRESET` after an RST), and the client's with exactly one `connectionLost` (with or
   * without an error). Neither may surface as an unhandled error.
   */
  reset(): void
  /**
   * Releases everything the connection holds (sockets, listening server, pumps), aborting
   * transports that are still open. Called by the suite after each test, even a failed one;
   * must be safe to call after the connection has ended.
   */
  dispose(): Promise<void>
}

/**
 * How the compliance suite makes connections over one kind of transport. Implement it in the
 * transport's own package (`test/compliance.test.ts`) and pass it to
 * {@link describeTransportCompliance}.
 *
 * Rules an implementation must keep, so that the suite never has to sleep:
 * - Data, EOF and closes travel on their own (no manual pumping): a deterministic transport
 *   runs in an automatic delivery mode here.
 * - A transport whose peer paused reading must keep unsent bytes in its own write buffer
 *   (`getWriteBufferSize()`) once the peer can take no more: for TCP the kernel's buffers fill
 *   first, for an in-memory transport nothing is handed over while the peer is paused.
 *
 * @example
 * ```ts
 * const harness: TransportHarness = {
 *   name: 'memory',
 *   connect({ client, server, clientOptions, serverOptions }) {
 *     const pair = createMemoryPair(client, server, {
 *       autoPump: true,
 *       client: clientOptions,
 *       server: serverOptions,
 *     })
 *     return Promise.resolve({
 *       reset: () => pair.reset(),
 *       dispose: () => Promise.resolve(pair.dispose()),
 *     })
 *   },
 * }
 * describeTransportCompliance(harness)
 * ```
 */
export interface TransportHarness {
  /** The name the suite is registered under, such as `'tcp'` or `'memory'`. */
  readonly name: string
  /**
   * Tests of the suite that cannot apply to this transport, by title, each with the reason: they
   * are reported as skipped, with the reason. Keep this list short and every reason true.
   */
  readonly notApplicable?: Readonly<Record<string, string>>
  /**
   * The form `peername` and `sockname` take: `'ip'`, an address, family and port (the default),
   * or `'path'`, a Unix socket's path string (`''` for an unnamed end), as asyncio gives
   * `AF_UNIX` addresses.
   * @default 'ip'
   */
  readonly addressForm?: 'ip' | 'path'
  /**
   * Connects a new client protocol to a new server protocol. Resolves once both factories have
   * been called and both `connectionMade` callbacks have run (or thrown).
   */
  connect(options: HarnessConnectOptions): Promise<HarnessConnection>
}
