import type {
  DatagramProtocolCallbacks,
  DatagramProtocolFactory,
  DatagramTransport,
} from '@wirekit/protocol-core'
import { emitWarning, printError } from '@wirekit/protocol-core'
import type { MemoryDatagramEndOptions, MemoryDatagramPairOptions } from './datagram-options.ts'
import { MemoryDatagramLink, type MemoryDatagramStats } from './memory-datagram-link.ts'
import { MemoryDatagramTransport } from './memory-datagram-transport.ts'
import { checkDatagramOptions } from './validate-datagram-options.ts'

/** One endpoint of a {@link MemoryDatagramPair}: its transport and the protocol its factory made. */
export interface MemoryDatagramEnd<TProtocol extends DatagramProtocolCallbacks> {
  /** The transport, already given to the protocol's `connectionMade`. */
  readonly transport: DatagramTransport
  /** The protocol the factory made. */
  readonly protocol: TProtocol
}

/**
 * Two datagram protocols on a network of their own, and the pump that carries datagrams between
 * them. Without `autoPump`, nothing is delivered until {@link MemoryDatagramPair.step} or
 * {@link MemoryDatagramPair.flush} is called.
 */
export interface MemoryDatagramPair<
  TClient extends DatagramProtocolCallbacks,
  TServer extends DatagramProtocolCallbacks,
> {
  /** The endpoint made by the client factory (connected to the server unless `connected: false`). */
  readonly client: MemoryDatagramEnd<TClient>
  /** The endpoint made by the server factory, unconnected. */
  readonly server: MemoryDatagramEnd<TServer>
  /**
   * Runs one step: carries what each endpoint has sent (the client's first), within the options'
   * limits and faults, then calls `connectionLost` on each endpoint whose socket closed.
   * @returns `true` when anything happened.
   * @throws Error when called from inside a protocol callback.
   */
  step(): boolean
  /**
   * Runs steps until nothing more happens.
   * @param maxSteps - The most steps to run, against protocols that keep each other busy forever.
   * @returns The number of steps that did something.
   * @throws Error when the pair is still busy after `maxSteps` steps.
   */
  flush(maxSteps?: number): number
  /** What the link has counted so far: datagrams sent, delivered, lost, reordered, ... */
  readonly stats: MemoryDatagramStats
  /** `true` once both protocols have had `connectionLost`. */
  readonly done: boolean
  /** Aborts both endpoints and, unless called from a callback, runs the pump until both are lost. */
  dispose(): void
}

/** Ports for the pairs' addresses: unique in the process, as ephemeral ports are on a host. */
let nextPort = 49152

function allocatePort(): number {
  const port = nextPort
  nextPort = nextPort === 65535 ? 49152 : nextPort + 1
  return port
}

function hooks(options: MemoryDatagramEndOptions, wake: () => void) {
  return {
    onError: options.onError ?? printError,
    onWarning: options.onWarning ?? emitWarning,
    writeBufferLimits: options.writeBufferLimits,
    wake,
  }
}

/**
 * Opens two datagram endpoints on an in-memory network of their own (asyncio's
 * `create_datagram_endpoint`, twice): a server, unconnected, and a client, connected to it unless
 * `connected: false`. They keep the whole wirekit datagram contract (the datagram compliance
 * suite runs over them), with deterministic delivery and optional seeded loss, reordering and
 * duplication, a largest datagram size and a slow link.
 *
 * The server's `connectionMade` is called first, then the client's, before this returns.
 * Addresses are `{ address: 'memory', family: 'memory', port }`, unique per endpoint; a datagram
 * to any other address is dropped, as one to a host with nothing listening.
 * @param clientFactory - Makes the client's protocol.
 * @param serverFactory - Makes the server's protocol.
 * @param options - The pump mode, connection, water marks, handlers and faults.
 * @throws TypeError or RangeError for invalid options.
 * @example
 * ```ts
 * const pair = createMemoryDatagramPair(() => new Pinger(), () => new Echo(), {
 *   faults: { seed: 7, loss: 0.1 },
 * })
 * pair.flush() // deliver until both endpoints rest
 * console.log(pair.stats.lost, pair.client.protocol.answers)
 * ```
 */
export function createMemoryDatagramPair<
  TClient extends DatagramProtocolCallbacks,
  TServer extends DatagramProtocolCallbacks,
>(
  clientFactory: DatagramProtocolFactory<TClient>,
  serverFactory: DatagramProtocolFactory<TServer>,
  options: MemoryDatagramPairOptions = {},
): MemoryDatagramPair<TClient, TServer> {
  checkDatagramOptions(options)
  const serverAddress = { address: 'memory', family: 'memory', port: allocatePort() }
  const clientAddress = { address: 'memory', family: 'memory', port: allocatePort() }
  // The transports wake the pump, which needs the transports: it is made right after them.
  const pump: { link?: MemoryDatagramLink } = {}
  const wake = (): void => pump.link?.wake()
  const serverProtocol = serverFactory()
  const clientProtocol = clientFactory()
  const server = new MemoryDatagramTransport(
    serverProtocol,
    { local: serverAddress, remote: undefined },
    hooks({ ...options, ...options.server }, wake),
  )
  const client = new MemoryDatagramTransport(
    clientProtocol,
    { local: clientAddress, remote: options.connected === false ? undefined : serverAddress },
    hooks({ ...options, ...options.client }, wake),
  )
  const link = new MemoryDatagramLink(options, [client, server])
  pump.link = link
  server.start()
  client.start()
  link.wake()
  return {
    client: { transport: client, protocol: clientProtocol },
    server: { transport: server, protocol: serverProtocol },
    step: () => link.step(),
    flush: (maxSteps = 100_000) => link.flush(maxSteps),
    get stats() {
      return link.stats
    },
    get done() {
      return link.done
    },
    dispose: () => {
      server.abort()
      client.abort()
      try {
        link.flush(100)
      } catch {
        // Called from inside a callback: the pump finishes the closes on its next step.
      }
    },
  }
}
