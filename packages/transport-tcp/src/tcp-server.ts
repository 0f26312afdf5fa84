import type { Server as NetServer, Socket } from 'node:net'
import type {
  AnyProtocol,
  ExtraInfo,
  ProtocolFactory,
  Server,
  TransportAddress,
} from '@wirekit/protocol-core'
import {
  ConnectionSetUp,
  type Reads,
  type ServerTLS,
  type SetUpOutcome,
} from './connection-set-up.ts'
import { DescriptorBackOff } from './descriptor-back-off.ts'
import type { DescriptorLimit } from './descriptor-limit.ts'
import { publishConnectionFailed, publishServerClosed } from './diagnostics.ts'
import { ServerDrain, type DrainOptions, type DrainResult } from './drain.ts'
import type { ResolvedProxyOptions } from './proxy-options.ts'
import { RateLimitedReporter } from './rate-limited-reporter.ts'
import { ServerCounters, type ServerStats } from './server-stats.ts'
import { transportHooksOf, type ResolvedSocketOptions } from './socket-options.ts'
import { SocketTransport, type SocketKind, type TransportHooks } from './socket-transport.ts'
import { installUserBufferReads, type OnreadSymbols } from './user-buffer-reads.ts'

export type { ServerTLS } from './connection-set-up.ts'

/** A listening TCP (or Unix-socket) server: protocol-core's `Server`, draining, and its counters. */
export interface TCPServer extends Server {
  /** The number of connections open now. */
  readonly connectionCount: number
  /**
   * The number of connections closed at once: because `maxConnections` were already open, or
   * while the process was short of file descriptors.
   */
  readonly refusedCount: number
  /**
   * The number of TLS handshakes that failed (no protocol was made for them). Each failure is also
   * reported through `onWarning`, at most one line per 10 s with the count of the others.
   */
  readonly handshakeFailureCount: number
  /**
   * The number of connections closed for want of a valid PROXY header from a trusted proxy: an
   * untrusted peer, an invalid or too long header, or none in time. Reported through `onWarning`
   * like failed handshakes.
   */
  readonly proxyHeaderFailureCount: number
  /** What the server has seen and holds now, in one snapshot. */
  stats(): ServerStats
  /**
   * Drains the server for a rolling deploy: stops listening, tells every protocol
   * (`drainRequested`), waits for the connections to end until `deadline`, then closes them,
   * and aborts those still there `closeTimeout` later. Connections accepted before the call and
   * still setting up (PROXY header, TLS handshake) are told too once ready. A second call returns
   * the first one's promise.
   * @returns How many connections ended by themselves, were closed, were aborted.
   * @throws TypeError or RangeError (rejected) for an invalid option.
   * @example
   * ```ts
   * process.once('SIGTERM', async () => {
   *   const { ended, closed, aborted } = await server.drain({ deadline: 10_000 })
   *   console.log(`drained: ${ended} ended, ${closed} closed, ${aborted} aborted`)
   * })
   * ```
   */
  drain(options?: DrainOptions): Promise<DrainResult>
}

/** What a server needs besides its listening sockets. */
export interface TCPServerSettings {
  readonly socketOptions: ResolvedSocketOptions
  readonly maxConnections: number
  readonly idleTimeout: number | undefined
  /** Set when accepted sockets can read into memory the transport chooses. */
  readonly userBufferReads: OnreadSymbols | undefined
  /** Set where the process's descriptors can be watched (Linux): the server backs off near the limit. */
  readonly descriptors: DescriptorLimit | undefined
  /** Set when connections run TLS. */
  readonly tls: ServerTLS | undefined
  /** Set when connections start with a PROXY header. */
  readonly proxy: ResolvedProxyOptions | undefined
  /** What kind of socket an accepted one is (addresses, reset probe); TCP when not given. */
  readonly kind?: ((socket: Socket) => SocketKind) | undefined
}

/**
 * Where a server listens when that is not on IP addresses (a Unix socket path): what
 * `addresses()` reports, and what to undo when the server stops listening.
 */
export interface ListenEndpoint {
  /** The addresses {@link TCPServerImpl.addresses} gives while the server listens. */
  addresses(): TransportAddress[]
  /** Called once as the server stops listening, before its listening sockets close. */
  release(): void
}

/** How often, at most, refused connections and accept errors are reported. */
const REPORT_INTERVAL_MS = 1000

/** How often, at most, failed TLS handshakes and PROXY headers are reported: scanners make many. */
const SET_UP_REPORT_INTERVAL_MS = 10_000

/** The server behind {@link createServer}: it owns the listening sockets and every transport. */
export class TCPServerImpl implements TCPServer {
  readonly #protocolFactory: ProtocolFactory
  readonly #settings: TCPServerSettings
  readonly #hooks: TransportHooks
  readonly #transports = new Set<SocketTransport<ExtraInfo>>()
  readonly #setUp: ConnectionSetUp
  readonly #counters = new ServerCounters()
  readonly #refusals: RateLimitedReporter
  readonly #acceptErrors: RateLimitedReporter
  readonly #setUpFailures: Record<'tls' | 'proxy', RateLimitedReporter>
  readonly #backOff: DescriptorBackOff | undefined
  #listeners: NetServer[] = []
  #endpoint: ListenEndpoint | undefined
  #serving = true
  #drain: ServerDrain | undefined
  #whenClosed: Promise<void> | undefined
  #resolveClosed: (() => void) | undefined

  constructor(protocolFactory: ProtocolFactory, settings: TCPServerSettings) {
    this.#protocolFactory = protocolFactory
    this.#settings = settings
    const { onWarning } = settings.socketOptions
    this.#hooks = {
      ...transportHooksOf(settings.socketOptions),
      idleTimeout: settings.idleTimeout,
      onLost: this.#onTransportLost,
      onUpgraded: this.#onTransportUpgraded,
      serverSide: true,
      server: this,
    }
    this.#refusals = new RateLimitedReporter(REPORT_INTERVAL_MS, onWarning)
    this.#acceptErrors = new RateLimitedReporter(REPORT_INTERVAL_MS, onWarning)
    this.#setUpFailures = {
      tls: new RateLimitedReporter(SET_UP_REPORT_INTERVAL_MS, onWarning),
      proxy: new RateLimitedReporter(SET_UP_REPORT_INTERVAL_MS, onWarning),
    }
    this.#backOff =
      settings.descriptors === undefined
        ? undefined
        : new DescriptorBackOff(settings.descriptors, onWarning)
    this.#setUp = new ConnectionSetUp(settings, this.#setUpOutcome)
  }

  /** Takes the listening sockets, once they all listen, and the endpoint they stand for if any. */
  attach(listeners: NetServer[], endpoint?: ListenEndpoint): void {
    this.#listeners = listeners
    this.#endpoint = endpoint
  }

  get connectionCount(): number {
    return this.#transports.size
  }

  get refusedCount(): number {
    return this.#counters.refused
  }

  get handshakeFailureCount(): number {
    return this.#counters.handshakeFailures
  }

  get proxyHeaderFailureCount(): number {
    return this.#counters.proxyHeaderFailures
  }

  stats(): ServerStats {
    return this.#counters.snapshot(this.#transports, this.#setUp.size)
  }

  addresses(): TransportAddress[] {
    if (this.#endpoint !== undefined) {
      return this.#endpoint.addresses()
    }
    const addresses: TransportAddress[] = []
    for (const listener of this.#listeners) {
      const address = listener.address()
      if (address != null && typeof address === 'object') {
        addresses.push(address)
      }
    }
    return addresses
  }

  isServing(): boolean {
    return this.#serving
  }

  close(): void {
    if (!this.#serving) {
      return
    }
    const addresses = this.addresses()
    this.#serving = false
    this.#endpoint?.release()
    this.#endpoint = undefined
    for (const listener of this.#listeners) {
      listener.close()
    }
    this.#listeners = []
    publishServerClosed(this, addresses)
    this.#settleIfClosed()
  }

  closeClients(): void {
    for (const transport of [...this.#transports]) {
      transport.close()
    }
    // A connection still setting up has nothing to flush: there is no protocol yet.
    this.#setUp.destroyAll()
  }

  abortClients(): void {
    for (const transport of [...this.#transports]) {
      transport.abort()
    }
    this.#setUp.destroyAll()
  }

  waitClosed(): Promise<void> {
    this.#whenClosed ??= new Promise((resolve) => {
      this.#resolveClosed = resolve
    })
    this.#settleIfClosed()
    return this.#whenClosed
  }

  drain(options: DrainOptions = {}): Promise<DrainResult> {
    if (this.#drain !== undefined) {
      return this.#drain.result
    }
    let drain: ServerDrain
    try {
      drain = new ServerDrain(
        {
          remaining: () => this.#transports.size + this.#setUp.size,
          closeClients: () => {
            this.closeClients()
          },
          abortClients: () => {
            this.abortClients()
          },
        },
        options,
      )
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)))
    }
    this.#drain = drain
    this.close()
    for (const transport of [...this.#transports]) {
      transport.requestDrain()
    }
    return drain.result
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close()
    this.closeClients()
    await this.waitClosed()
  }

  /**
   * Takes an accepted socket: refuses it past `maxConnections` or when descriptors run short;
   * else sets it up (PROXY header, TLS handshake, where the server has them) and makes its protocol.
   */
  readonly onConnection = (socket: Socket): void => {
    const open = this.#transports.size + this.#setUp.size
    if (!this.#serving || open >= this.#settings.maxConnections) {
      const peer =
        this.#settings.kind?.(socket).peer ?? socket.remoteAddress ?? 'an unknown address'
      socket.destroy()
      this.#counters.refused += 1
      this.#refusals.report(
        `refused a connection from ${peer}: ` +
          `${open} connections open, the most allowed (maxConnections)`,
      )
      return
    }
    if (this.#backOff?.admit() === false) {
      // Reported once per back-off by the back-off itself.
      socket.destroy()
      this.#counters.refused += 1
      return
    }
    this.#counters.accepted += 1
    this.#setUp.begin(socket)
  }

  /** Accept errors (EMFILE, ENFILE, ...) must not crash the process; libuv keeps accepting. */
  readonly onListenerError = (error: Error): void => {
    this.#acceptErrors.report(`accepting a connection failed: ${error.message}`)
  }

  readonly #setUpOutcome: SetUpOutcome = {
    ready: (socket, kind, reads, firstBytes) => {
      this.#open(socket, kind, reads, firstBytes)
    },
    failed: (stage, message, error) => {
      this.#backOff?.released()
      if (stage === 'tls') {
        this.#counters.handshakeFailures += 1
      } else {
        this.#counters.proxyHeaderFailures += 1
      }
      this.#setUpFailures[stage].report(message)
      publishConnectionFailed(this, stage, message, error)
      this.#drain?.connectionEnded(false)
      this.#settleIfClosed()
    },
    vanished: () => {
      this.#backOff?.released()
      this.#drain?.connectionEnded(false)
      this.#settleIfClosed()
    },
  }

  /** Makes the protocol and the transport of a connection that is ready for them. */
  #open(socket: Socket, kind: SocketKind, reads: Reads, firstBytes: Uint8Array | undefined): void {
    let protocol: AnyProtocol
    try {
      protocol = this.#protocolFactory()
    } catch (error) {
      socket.destroy()
      this.#backOff?.released()
      this.#hooks.onError(
        new Error(
          `the protocol factory threw: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        ),
      )
      this.#drain?.connectionEnded(false)
      this.#settleIfClosed()
      return
    }
    const transport = new SocketTransport(socket, protocol, this.#hooks, kind)
    if (firstBytes !== undefined && firstBytes.byteLength > 0) {
      transport.receiveFirst(firstBytes)
    }
    const symbols = this.#settings.userBufferReads
    if (reads === 'install') {
      if (symbols !== undefined) {
        // Falls back to 'data' events by itself when the socket cannot be switched.
        installUserBufferReads(socket, symbols, transport)
      }
    } else if (reads !== 'events') {
      reads.forwardTo(transport)
    }
    this.#transports.add(transport)
    transport.start()
    if (this.#drain !== undefined) {
      transport.requestDrain()
    }
  }

  /** A connection upgraded in place (STARTTLS): the new transport carries it on. */
  readonly #onTransportUpgraded = (transport: SocketTransport<ExtraInfo>): void => {
    this.#transports.add(transport)
  }

  readonly #onTransportLost = (
    transport: SocketTransport<ExtraInfo>,
    handedOver: boolean,
  ): void => {
    this.#transports.delete(transport)
    this.#counters.ended(transport)
    if (!handedOver) {
      this.#backOff?.released()
      this.#drain?.connectionEnded(true)
    }
    this.#settleIfClosed()
  }

  #settleIfClosed(): void {
    if (!this.#serving && this.#transports.size === 0 && this.#setUp.size === 0) {
      this.#resolveClosed?.()
    }
  }
}
