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
import {
  SocketTransport,
  tcpKind,
  type SocketKind,
  type TransportHooks,
} from './socket-transport.ts'
import type { TLSAcceptor } from './tls-acceptor.ts'
import { TLSHandshakeError } from './tls-errors.ts'
import { tlsKind } from './tls-kind.ts'
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
  /**
   * The number of TLS handshakes that failed (no protocol was made for them). Each failure is also
   * reported through `onWarning`, at most one line per 10 s with the count of the others.
   */
  readonly handshakeFailureCount: number
}

/** The TLS side of a server. */
export interface ServerTLS {
  readonly acceptor: TLSAcceptor
  readonly shutdownTimeout: number
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
}

/** How often, at most, refused connections and accept errors are reported. */
const REPORT_INTERVAL_MS = 1000

/** How often, at most, failed TLS handshakes are reported: scanners make many. */
const HANDSHAKE_REPORT_INTERVAL_MS = 10_000

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
  #serving = true
  #refusedCount = 0
  #handshakeFailureCount = 0
  /** Accepted sockets whose TLS handshake is under way: they count as open connections. */
  readonly #handshakes = new Set<Socket>()
  readonly #handshakeFailures: RateLimitedReporter
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
      onUpgraded: this.#onTransportUpgraded,
      serverSide: true,
    }
    this.#refusals = new RateLimitedReporter(REPORT_INTERVAL_MS, onWarning)
    this.#acceptErrors = new RateLimitedReporter(REPORT_INTERVAL_MS, onWarning)
    this.#handshakeFailures = new RateLimitedReporter(HANDSHAKE_REPORT_INTERVAL_MS, onWarning)
    this.#backOff =
      settings.descriptors === undefined
        ? undefined
        : new DescriptorBackOff(settings.descriptors, onWarning)
  }

  /** Takes the listening sockets, once they all listen. */
  attach(listeners: NetServer[]): void {
    this.#listeners = listeners
  }

  get connectionCount(): number {
    return this.#transports.size
  }

  get refusedCount(): number {
    return this.#refusedCount
  }

  get handshakeFailureCount(): number {
    return this.#handshakeFailureCount
  }

  addresses(): TransportAddress[] {
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
    // A handshake under way has nothing to flush: there is no protocol yet.
    for (const socket of this.#handshakes) {
      socket.destroy()
    }
  }

  abortClients(): void {
    for (const transport of [...this.#transports]) {
      transport.abort()
    }
    for (const socket of this.#handshakes) {
      socket.destroy()
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
   * Takes an accepted socket: refuses it past `maxConnections` or when descriptors run short;
   * else runs the TLS handshake first if the server has TLS, and makes its protocol.
   */
  readonly onConnection = (socket: Socket): void => {
    const open = this.#transports.size + this.#handshakes.size
    if (!this.#serving || open >= this.#settings.maxConnections) {
      const peer = socket.remoteAddress ?? 'an unknown address'
      socket.destroy()
      this.#refusedCount += 1
      this.#refusals.report(
        `refused a connection from ${peer}: ` +
          `${open} connections open, the most allowed (maxConnections)`,
      )
      return
    }
    if (this.#backOff?.admit() === false) {
      // Reported once per back-off by the back-off itself.
      socket.destroy()
      this.#refusedCount += 1
      return
    }
    const tls = this.#settings.tls
    if (tls === undefined) {
      this.#open(socket, tcpKind(socket), true)
      return
    }
    const connection = tcpKind(socket)
    this.#handshakes.add(socket)
    tls.acceptor.accept(socket, undefined, {
      secure: (secured) => {
        this.#handshakes.delete(socket)
        const context = tls.acceptor.contextOf(secured)
        this.#open(secured, tlsKind(secured, connection, context, tls.shutdownTimeout), false)
      },
      failed: (error) => {
        this.#handshakes.delete(socket)
        this.#backOff?.released()
        this.#handshakeFailureCount += 1
        this.#handshakeFailures.report(new TLSHandshakeError(connection.peer, error).message)
        this.#settleIfClosed()
      },
    })
  }

  /** Makes the protocol and the transport of a connection ready for it (TLS: after the handshake). */
  #open(socket: Socket, kind: SocketKind, userBufferReads: boolean): void {
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
      this.#settleIfClosed()
      return
    }
    const transport = new SocketTransport(socket, protocol, this.#hooks, kind)
    const symbols = this.#settings.userBufferReads
    if (userBufferReads && symbols !== undefined) {
      // Falls back to 'data' events by itself when the socket cannot be switched.
      installUserBufferReads(socket, symbols, transport)
    }
    this.#transports.add(transport)
    transport.start()
  }

  /** Accept errors (EMFILE, ENFILE, ...) must not crash the process; libuv keeps accepting. */
  readonly onListenerError = (error: Error): void => {
    this.#acceptErrors.report(`accepting a connection failed: ${error.message}`)
  }

  /** A connection upgraded in place (STARTTLS): the new transport carries it on. */
  readonly #onTransportUpgraded = (transport: SocketTransport<ExtraInfo>): void => {
    this.#transports.add(transport)
  }

  readonly #onTransportLost = (transport: SocketTransport<ExtraInfo>): void => {
    this.#transports.delete(transport)
    this.#backOff?.released()
    this.#settleIfClosed()
  }

  #settleIfClosed(): void {
    if (!this.#serving && this.#transports.size === 0 && this.#handshakes.size === 0) {
      this.#resolveClosed?.()
    }
  }
}
