import type { AnyProtocol, ProtocolFactory, Transport } from '@wirekit/protocol-core'
import { emitWarning, printError } from '@wirekit/protocol-core'
import { MemoryLink } from './memory-link.ts'
import { MemoryTransport, type MemoryTransportHooks } from './memory-transport.ts'
import type { MemoryEndOptions, MemoryPairOptions } from './options.ts'
import { Pipe } from './pipe.ts'
import { checkOptions } from './validate-options.ts'

/** One end of a {@link MemoryPair}: its transport and the protocol its factory made. */
export interface MemoryEnd<TProtocol extends AnyProtocol> {
  /** The transport, already given to the protocol's `connectionMade`. */
  readonly transport: Transport
  /** The protocol the factory made. */
  readonly protocol: TProtocol
}

/**
 * Two protocols connected through in-memory transports, and the pump that moves bytes between
 * them. Without `autoPump`, nothing is delivered until {@link MemoryPair.step} or
 * {@link MemoryPair.flush} is called.
 */
export interface MemoryPair<TClient extends AnyProtocol, TServer extends AnyProtocol> {
  /** The end made by the client factory. */
  readonly client: MemoryEnd<TClient>
  /** The end made by the server factory. */
  readonly server: MemoryEnd<TServer>
  /**
   * Runs one step: delivers what each direction holds (towards the server first), within the
   * options' limits, then calls `connectionLost` on each transport that is done.
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
  /** Resets the connection now: both protocols get `connectionLost` (code `ECONNRESET`) at the next step. */
  reset(): void
  /** `true` once both protocols have had `connectionLost`. */
  readonly done: boolean
  /** Aborts both transports and, unless called from a callback, runs the pump until both are lost. */
  dispose(): void
}

function endHooks(options: MemoryEndOptions, wake: () => void): MemoryTransportHooks {
  return {
    onError: options.onError ?? printError,
    onWarning: options.onWarning ?? emitWarning,
    wake,
  }
}

/** Ports for the pair's addresses: unique in the process, as ephemeral ports are on a host. */
let nextPort = 49152

/**
 * Connects two protocols through in-memory transports that keep the whole wirekit transport
 * contract (call order, water marks, half-close, close/abort, contained callback errors), with
 * deterministic delivery and optional fault injection.
 *
 * The server's `connectionMade` is called first, then the client's, before this returns.
 * @param clientFactory - Makes the client's protocol.
 * @param serverFactory - Makes the server's protocol.
 * @param options - The pump mode, water marks, handlers and faults.
 * @throws TypeError or RangeError for invalid options.
 * @example
 * ```ts
 * const pair = createMemoryPair(() => new EchoClient(), () => new EchoServer())
 * pair.flush() // deliver until both sides rest
 * console.log(pair.client.protocol.received)
 * ```
 */
export function createMemoryPair<TClient extends AnyProtocol, TServer extends AnyProtocol>(
  clientFactory: ProtocolFactory<TClient>,
  serverFactory: ProtocolFactory<TServer>,
  options: MemoryPairOptions = {},
): MemoryPair<TClient, TServer> {
  checkOptions(options)
  const serverAddress = { address: 'memory', family: 'memory', port: nextPort++ }
  const clientAddress = { address: 'memory', family: 'memory', port: nextPort++ }
  if (nextPort > 65535) {
    nextPort = 49152
  }
  const toServer = new Pipe()
  const toClient = new Pipe()
  // The transports wake the pump, which needs the transports: it is made right after them.
  const pump: { link?: MemoryLink } = {}
  const wake = (): void => pump.link?.wake()
  const serverOptions = { ...options, ...options.server }
  const clientOptions = { ...options, ...options.client }
  const serverProtocol = serverFactory()
  const clientProtocol = clientFactory()
  const server = new MemoryTransport(
    serverProtocol,
    { outgoing: toClient, incoming: toServer },
    { local: serverAddress, remote: clientAddress },
    endHooks(serverOptions, wake),
    serverOptions.writeBufferLimits,
  )
  const client = new MemoryTransport(
    clientProtocol,
    { outgoing: toServer, incoming: toClient },
    { local: clientAddress, remote: serverAddress },
    endHooks(clientOptions, wake),
    clientOptions.writeBufferLimits,
  )
  const created = new MemoryLink(options, { client, server, toServer, toClient })
  pump.link = created
  server.start()
  client.start()
  created.wake()
  return {
    client: { transport: client, protocol: clientProtocol },
    server: { transport: server, protocol: serverProtocol },
    step: () => created.step(),
    flush: (maxSteps = 100_000) => created.flush(maxSteps),
    reset: () => {
      created.reset()
    },
    get done() {
      return created.done
    },
    dispose: () => {
      server.abort()
      client.abort()
      try {
        created.flush(100)
      } catch {
        // Called from inside a callback: the pump finishes the losses on its next step.
      }
    },
  }
}
