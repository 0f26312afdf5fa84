import type { Socket } from 'node:net'
import {
  createSecureContext,
  Server as TLSServer,
  type SecureContext,
  type SecureContextOptions,
  type TLSSocket,
} from 'node:tls'
import type { ResolvedTLSServerOptions, TLSServerOptions } from './tls-options.ts'

/** What becomes of one handshake. */
export interface HandshakeOutcome {
  /** The handshake is done: the connection goes on over `socket`. */
  readonly secure: (socket: TLSSocket) => void
  /** The handshake failed (the socket is destroyed already). */
  readonly failed: (error: Error) => void
}

type SNIContexts = Map<string, SecureContext>

/** The SNI callback Node wants, over the `sni` option (a map of contexts, or a function). */
function sniCallback(
  sni: NonNullable<TLSServerOptions['sni']>,
  contexts: SNIContexts,
): (servername: string, callback: (error: Error | null, context?: SecureContext) => void) => void {
  if (typeof sni === 'function') {
    return (servername, callback) => {
      Promise.resolve(sni(servername)).then(
        (context) => {
          callback(null, context)
        },
        (error: unknown) => {
          callback(error instanceof Error ? error : new Error(String(error)))
        },
      )
    }
  }
  for (const [name, value] of Object.entries(sni)) {
    contexts.set(name.toLowerCase(), isSecureContext(value) ? value : secureContextFrom(value))
  }
  return (servername, callback) => {
    callback(null, contexts.get(servername.toLowerCase()))
  }
}

/** A secure context from options (TLS 1.2 at least), or a TypeError that says which option failed. */
function secureContextFrom(options: SecureContextOptions): SecureContext {
  try {
    return createSecureContext({ minVersion: 'TLSv1.2', ...options })
  } catch (error) {
    const code = (error as { code?: unknown }).code
    throw Object.assign(
      new TypeError(
        `option tls: the certificate, key or CA cannot be used: ${(error as Error).message}`,
        { cause: error },
      ),
      typeof code === 'string' ? { code } : {},
    )
  }
}

function isSecureContext(value: unknown): value is SecureContext {
  return typeof value === 'object' && value != null && 'context' in value
}

/**
 * Runs the server side of TLS handshakes on sockets it is given, through a `tls.Server` that never
 * listens: Node's own server logic (verification of client certificates, the handshake timeout,
 * SNI, ALPN) applies, which a bare `new TLSSocket(socket, { isServer: true })` would skip (it lets a
 * client without a certificate in). Bytes already read from a socket go to the TLS engine first.
 */
export class TLSAcceptor {
  readonly #server: TLSServer
  readonly #context: SecureContext
  readonly #sniContexts: SNIContexts = new Map()
  readonly #pending = new WeakMap<Socket, HandshakeOutcome>()

  constructor(resolved: ResolvedTLSServerOptions) {
    const { options, handshakeTimeout } = resolved
    const {
      sni,
      requestCert,
      rejectUnauthorized,
      ALPNProtocols,
      handshakeTimeout: _handshakeTimeout,
      shutdownTimeout: _shutdownTimeout,
      ...contextOptions
    } = options
    // Checked here, so that a bad key or certificate is a clear error naming the option.
    const context = secureContextFrom(contextOptions)
    this.#server = new TLSServer({
      ...contextOptions,
      minVersion: contextOptions.minVersion ?? 'TLSv1.2',
      requestCert: requestCert ?? false,
      rejectUnauthorized: rejectUnauthorized ?? true,
      ...(ALPNProtocols === undefined ? {} : { ALPNProtocols }),
      ...(sni === undefined ? {} : { SNICallback: sniCallback(sni, this.#sniContexts) }),
      handshakeTimeout,
      allowHalfOpen: true,
      // The transport starts reading once it exists, not before.
      pauseOnConnect: true,
    })
    // The context the server made of the options is the one in use; reported as `sslcontext`.
    this.#context = (this.#server as { _sharedCreds?: SecureContext })._sharedCreds ?? context
    this.#server.on('secureConnection', (socket: TLSSocket) => {
      // Half-open from here on: a peer's close_notify or FIN ends its side only (see accept()).
      socket.allowHalfOpen = true
      this.#settle(socket)?.secure(socket)
    })
    this.#server.on('tlsClientError', (error: Error, socket: TLSSocket) => {
      // Node leaves the TCP socket under a TLS socket it gave up on (a handshake timeout) open.
      this.#parentOf(socket)?.destroy()
      this.#settle(socket)?.failed(error)
    })
  }

  /** The context of a connection: the one its SNI name chose, else the server's. */
  contextOf(socket: TLSSocket): SecureContext {
    const name = (socket as TLSSocket & { servername?: string | false }).servername
    return (
      (typeof name === 'string' ? this.#sniContexts.get(name.toLowerCase()) : undefined) ??
      this.#context
    )
  }

  /**
   * Starts the handshake on `socket`, a TCP connection just accepted (or read from: `readAhead` is
   * what was read past the point of the upgrade).
   */
  accept(socket: Socket, readAhead: Uint8Array | undefined, outcome: HandshakeOutcome): void {
    this.#pending.set(socket, outcome)
    // The TLS socket takes allowHalfOpen from this one. While the handshake runs it must be off:
    // a FIN then can only mean the peer gave up (a TCP health check, a client that does not trust
    // us), and Node fails the handshake at once (ECONNRESET) instead of at the handshake timeout.
    socket.allowHalfOpen = false
    if (readAhead !== undefined && readAhead.byteLength > 0) {
      // Node's TLSSocket hands what the socket has buffered to the engine before reading more.
      socket.unshift(readAhead)
    }
    this.#server.emit('connection', socket)
  }

  /** The TCP socket under a TLS socket this acceptor made. */
  #parentOf(socket: TLSSocket): Socket | undefined {
    return (socket as TLSSocket & { _parent?: Socket | null })._parent ?? undefined
  }

  #settle(socket: TLSSocket): HandshakeOutcome | undefined {
    const raw = this.#parentOf(socket)
    if (raw === undefined) {
      return undefined
    }
    const outcome = this.#pending.get(raw)
    this.#pending.delete(raw)
    return outcome
  }
}
