import type { Socket } from 'node:net'
import { proxiedKind } from './proxied-kind.ts'
import { ProxyHeaderReader } from './proxy-header-reader.ts'
import type { ResolvedProxyOptions } from './proxy-options.ts'
import { tcpKind, type SocketKind } from './socket-transport.ts'
import type { TLSAcceptor } from './tls-acceptor.ts'
import { TLSHandshakeError } from './tls-errors.ts'
import { tlsKind } from './tls-kind.ts'
import type { OnreadSymbols } from './user-buffer-reads.ts'

/** The TLS side of a server. */
export interface ServerTLS {
  readonly acceptor: TLSAcceptor
  readonly shutdownTimeout: number
}

/**
 * How a connection's socket reads once its protocol exists: switched to user buffers then
 * (`'install'`), through the PROXY header reader that read its start (which forwards to the
 * transport), or through `'data'` events.
 */
export type Reads = 'install' | 'events' | ProxyHeaderReader

/** What an accepted socket goes through before its protocol exists. */
export interface SetUpSettings {
  readonly tls: ServerTLS | undefined
  readonly proxy: ResolvedProxyOptions | undefined
  readonly userBufferReads: OnreadSymbols | undefined
  /** What kind of socket an accepted one is; TCP when not given. */
  readonly kind?: ((socket: Socket) => SocketKind) | undefined
}

/** Where a connection goes once set up, or why it went nowhere. */
export interface SetUpOutcome {
  /** Ready for its protocol: `firstBytes` are bytes read already (after a PROXY header). */
  ready(socket: Socket, kind: SocketKind, reads: Reads, firstBytes: Uint8Array | undefined): void
  /** It failed before any protocol existed (the socket is closed already). */
  failed(stage: 'proxy' | 'tls', message: string, error: Error | undefined): void
  /**
   * The peer went away before sending anything (a balancer's health check that connects and
   * resets): not a failure of anyone's, so neither counted nor reported.
   */
  vanished(): void
}

/**
 * The stages an accepted connection goes through before its protocol is made: the PROXY header
 * from a trusted balancer, then the TLS handshake, each where the server has them. Sockets in
 * these stages are counted (they hold descriptors and memory) and can be cut all at once.
 */
export class ConnectionSetUp {
  readonly #settings: SetUpSettings
  readonly #outcome: SetUpOutcome
  readonly #pending = new Set<Socket>()

  constructor(settings: SetUpSettings, outcome: SetUpOutcome) {
    this.#settings = settings
    this.#outcome = outcome
  }

  /** The number of connections in set-up. */
  get size(): number {
    return this.#pending.size
  }

  /** Closes every connection still in set-up (they have nothing to flush: no protocol yet). */
  destroyAll(): void {
    for (const socket of this.#pending) {
      socket.destroy()
    }
  }

  /** Takes an accepted (and admitted) socket through the stages. */
  begin(socket: Socket): void {
    const connection = (this.#settings.kind ?? tcpKind)(socket)
    const proxy = this.#settings.proxy
    if (proxy === undefined) {
      this.#secure(socket, connection, 'install', undefined)
      return
    }
    const peer = connection.peer ?? 'an unknown address'
    const address = socket.remoteAddress
    if (address === undefined) {
      // Gone before it started (a balancer's health check reset at once): nothing to judge.
      socket.destroy()
      this.#outcome.vanished()
      return
    }
    this.#pending.add(socket)
    const family = socket.remoteFamily === 'IPv6' ? 'IPv6' : 'IPv4'
    if (!proxy.trusted(address, family)) {
      socket.destroy()
      this.#failed(socket, 'proxy', `refused a PROXY header from ${peer}: not a trusted proxy`)
      return
    }
    const reader: ProxyHeaderReader = new ProxyHeaderReader(socket, proxy, {
      header: (header, rest) => {
        this.#secure(socket, proxiedKind(connection, header), reader, rest)
      },
      failed: (reason) => {
        this.#failed(socket, 'proxy', `${reason} (from ${peer})`)
      },
      vanished: () => {
        this.#pending.delete(socket)
        this.#outcome.vanished()
      },
    })
    reader.start(this.#settings.userBufferReads)
  }

  /** Runs the TLS handshake where the server has TLS; then the connection is ready. */
  #secure(
    socket: Socket,
    kind: SocketKind,
    reads: Reads,
    firstBytes: Uint8Array | undefined,
  ): void {
    const tls = this.#settings.tls
    if (tls === undefined) {
      this.#pending.delete(socket)
      this.#outcome.ready(socket, kind, reads, firstBytes)
      return
    }
    this.#pending.add(socket)
    tls.acceptor.accept(socket, firstBytes, {
      secure: (secured) => {
        this.#pending.delete(socket)
        const context = tls.acceptor.contextOf(secured)
        const securedKind = tlsKind(secured, kind, context, tls.shutdownTimeout)
        this.#outcome.ready(secured, securedKind, 'events', undefined)
      },
      failed: (error) => {
        const failure = new TLSHandshakeError(kind.peer, error)
        this.#failed(socket, 'tls', failure.message, failure)
      },
    })
  }

  #failed(socket: Socket, stage: 'proxy' | 'tls', message: string, error?: Error): void {
    this.#pending.delete(socket)
    this.#outcome.failed(stage, message, error)
  }
}
