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
import { proxiedKind } from './proxied-kind.ts'
import { ProxyHeaderReader } from './proxy-header-reader.ts'
import type { ResolvedProxyOptions } from './proxy-options.ts'
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
  /**
   * The number of connections closed for want of a valid PROXY header from a trusted proxy: an
   * untrusted peer, an invalid or too long header, or none in time. Reported through `onWarning`
   * like failed handshakes.
   */
  readonly proxyHeaderFailureCount: number
}

/** How a connection's socket reads: see `TCPServerImpl.#open`. */
type Reads = 'install' | 'events' | ProxyHeaderReader

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
  #endpoint: ListenEndpoint | undefined
  #serving = true
  #refusedCount = 0
  #handshakeFailureCount = 0
  /**
   * Accepted sockets whose protocol does not exist yet (PROXY header or TLS handshake under way):
   * they count as open connections.
   */
  readonly #pending = new Set<Socket>()
  #proxyHeaderFailureCount = 0
  readonly #proxyHeaderFailures: RateLimitedReporter
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
    this.#proxyHeaderFailures = new RateLimitedReporter(HANDSHAKE_REPORT_INTERVAL_MS, onWarning)
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

  get handshakeFailureCount(): number {
    return this.#handshakeFailureCount
  }

  get proxyHeaderFailureCount(): number {
    return this.#proxyHeaderFailureCount
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
    // A handshake under way has nothing to flush: there is no protocol yet.
    for (const socket of this.#pending) {
      socket.destroy()
    }
  }

  abortClients(): void {
    for (const transport of [...this.#transports]) {
      transport.abort()
    }
    for (const socket of this.#pending) {
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
   * else reads its PROXY header and runs its TLS handshake first where the server has them, and
   * makes its protocol.
   */
  readonly onConnection = (socket: Socket): void => {
    const open = this.#transports.size + this.#pending.size
    if (!this.#serving || open >= this.#settings.maxConnections) {
      const peer =
        this.#settings.kind?.(socket).peer ?? socket.remoteAddress ?? 'an unknown address'
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
    const connection = (this.#settings.kind ?? tcpKind)(socket)
    const proxy = this.#settings.proxy
    if (proxy === undefined) {
      this.#secure(socket, connection, 'install', undefined)
      return
    }
    this.#pending.add(socket)
    const family = socket.remoteFamily === 'IPv6' ? 'IPv6' : 'IPv4'
    if (!proxy.trusted(socket.remoteAddress ?? '', family)) {
      socket.destroy()
      this.#setUpFailed(
        socket,
        'proxy',
        `refused a PROXY header from ${connection.peer ?? 'an unknown address'}: not a trusted proxy`,
      )
      return
    }
    const reader: ProxyHeaderReader = new ProxyHeaderReader(socket, proxy, {
      header: (header, rest) => {
        this.#secure(socket, proxiedKind(connection, header), reader, rest)
      },
      failed: (reason) => {
        this.#setUpFailed(
          socket,
          'proxy',
          `${reason} (from ${connection.peer ?? 'an unknown address'})`,
        )
      },
    })
    reader.start(this.#settings.userBufferReads)
  }

  /** Runs the TLS handshake where the server has TLS, then makes the connection's protocol. */
  #secure(
    socket: Socket,
    kind: SocketKind,
    reads: Reads,
    firstBytes: Uint8Array | undefined,
  ): void {
    const tls = this.#settings.tls
    if (tls === undefined) {
      this.#pending.delete(socket)
      this.#open(socket, kind, reads, firstBytes)
      return
    }
    this.#pending.add(socket)
    tls.acceptor.accept(socket, firstBytes, {
      secure: (secured) => {
        this.#pending.delete(socket)
        const context = tls.acceptor.contextOf(secured)
        this.#open(
          secured,
          tlsKind(secured, kind, context, tls.shutdownTimeout),
          'events',
          undefined,
        )
      },
      failed: (error) => {
        this.#setUpFailed(socket, 'tls', new TLSHandshakeError(kind.peer, error).message)
      },
    })
  }

  /** A connection failed before its protocol existed (bad PROXY header, TLS handshake). */
  #setUpFailed(socket: Socket, stage: 'proxy' | 'tls', message: string): void {
    this.#pending.delete(socket)
    this.#backOff?.released()
    if (stage === 'tls') {
      this.#handshakeFailureCount += 1
      this.#handshakeFailures.report(message)
    } else {
      this.#proxyHeaderFailureCount += 1
      this.#proxyHeaderFailures.report(message)
    }
    this.#settleIfClosed()
  }

  /**
   * Makes the protocol and the transport of a connection ready for it. `reads` says how the socket
   * reads: switched to user buffers now, through a PROXY header reader that forwards to the
   * transport, or through `'data'` events. `firstBytes` are bytes read already (after a PROXY header).
   */
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
    if (!this.#serving && this.#transports.size === 0 && this.#pending.size === 0) {
      this.#resolveClosed?.()
    }
  }
}
