import type { Server as NetServer, Socket } from 'node:net'
import type {
  AnyProtocol,
  ExtraInfo,
  ProtocolFactory,
  Server,
  TransportAddress,
} from '@wirekit/protocol-core'
import { DescriptorBackOff } from './descriptor-back-off.ts'
import type { DescriptorLimit } from './descriptor-limit.ts'
import { RateLimitedReporter } from './rate-limited-reporter.ts'
import type { ResolvedSocketOptions } from './socket-options.ts'
import { SocketTransport, type SocketKind, type TransportHooks } from './socket-transport.ts'
import { installUserBufferReads, type OnreadSymbols } from './user-buffer-reads.ts'

/** A listening TCP server: protocol-core's `Server` plus its counters. */
export interface TCPServer extends Server {
  /** The number of connections open now. */
  readonly connectionCount: number
  /**
   * The number of connections closed at once: because `maxConnections` were already open, or
   * while the process was short of file descriptors.
   */
  readonly refusedCount: number
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

/** The server behind {@link createServer}: it owns the listening sockets and every transport. */
export class TCPServerImpl implements TCPServer {
  readonly #protocolFactory: ProtocolFactory
  readonly #settings: TCPServerSettings
  readonly #hooks: TransportHooks
  readonly #transports = new Set<SocketTransport<ExtraInfo>>()
  readonly #refusals: RateLimitedReporter
  readonly #acceptErrors: RateLimitedReporter
  readonly #backOff: DescriptorBackOff | undefined
  #listeners: NetServer[] = []
  #endpoint: ListenEndpoint | undefined
  #serving = true
  #refusedCount = 0
  #whenClosed: Promise<void> | undefined
  #resolveClosed: (() => void) | undefined

  constructor(protocolFactory: ProtocolFactory, settings: TCPServerSettings) {
    this.#protocolFactory = protocolFactory
    this.#settings = settings
    const { onError, onWarning, writeBufferLimits, lingerTimeout } = settings.socketOptions
    this.#hooks = {
      onError,
      onWarning,
      writeBufferLimits,
      lingerTimeout,
      idleTimeout: settings.idleTimeout,
      onLost: this.#onTransportLost,
    }
    this.#refusals = new RateLimitedReporter(REPORT_INTERVAL_MS, onWarning)
    this.#acceptErrors = new RateLimitedReporter(REPORT_INTERVAL_MS, onWarning)
    this.#backOff =
      settings.descriptors === undefined
        ? undefined
        : new DescriptorBackOff(settings.descriptors, onWarning)
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
    return this.#refusedCount
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
    this.#serving = false
    this.#endpoint?.release()
    this.#endpoint = undefined
    for (const listener of this.#listeners) {
      listener.close()
    }
    this.#listeners = []
    this.#settleIfClosed()
  }

  closeClients(): void {
    for (const transport of [...this.#transports]) {
      transport.close()
    }
  }

  abortClients(): void {
    for (const transport of [...this.#transports]) {
      transport.abort()
    }
  }

  waitClosed(): Promise<void> {
    this.#whenClosed ??= new Promise((resolve) => {
      this.#resolveClosed = resolve
    })
    this.#settleIfClosed()
    return this.#whenClosed
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close()
    this.closeClients()
    await this.waitClosed()
  }

  /**
   * Takes an accepted socket: refuses it past `maxConnections` or when descriptors run short,
   * else makes its protocol.
   */
  readonly onConnection = (socket: Socket): void => {
    if (!this.#serving || this.#transports.size >= this.#settings.maxConnections) {
      const peer =
        this.#settings.kind?.(socket).peer ?? socket.remoteAddress ?? 'an unknown address'
      socket.destroy()
      this.#refusedCount += 1
      this.#refusals.report(
        `refused a connection from ${peer}: ` +
          `${this.#transports.size} connections open, the most allowed (maxConnections)`,
      )
      return
    }
    if (this.#backOff?.admit() === false) {
      // Reported once per back-off by the back-off itself.
      socket.destroy()
      this.#refusedCount += 1
      return
    }
    let protocol: AnyProtocol
    try {
      protocol = this.#protocolFactory()
    } catch (error) {
      socket.destroy()
      this.#hooks.onError(
        new Error(
          `the protocol factory threw: ${error instanceof Error ? error.message : String(error)}`,
          {
            cause: error,
          },
        ),
      )
      return
    }
    const transport = new SocketTransport(
      socket,
      protocol,
      this.#hooks,
      this.#settings.kind?.(socket),
    )
    const { userBufferReads } = this.#settings
    if (userBufferReads !== undefined) {
      // Falls back to 'data' events by itself when the socket cannot be switched.
      installUserBufferReads(socket, userBufferReads, transport)
    }
    this.#transports.add(transport)
    transport.start()
  }

  /** Accept errors (EMFILE, ENFILE, ...) must not crash the process; libuv keeps accepting. */
  readonly onListenerError = (error: Error): void => {
    this.#acceptErrors.report(`accepting a connection failed: ${error.message}`)
  }

  readonly #onTransportLost = (transport: SocketTransport<ExtraInfo>): void => {
    this.#transports.delete(transport)
    this.#backOff?.released()
    this.#settleIfClosed()
  }

  #settleIfClosed(): void {
    if (!this.#serving && this.#transports.size === 0) {
      this.#resolveClosed?.()
    }
  }
}
