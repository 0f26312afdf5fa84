import type { Socket } from 'node:net'
import type { SecureContext, TLSSocket } from 'node:tls'
import type { ExtraInfo, Transport } from '@wirekit/protocol-core'
import type { TCPExtraInfo } from './options.ts'
import { SocketTransport, type HandOver } from './socket-transport.ts'
import { TLSAcceptor } from './tls-acceptor.ts'
import { secureClientSocket } from './tls-connector.ts'
import { TLSHandshakeError } from './tls-errors.ts'
import { tlsKind } from './tls-kind.ts'
import {
  resolveTLSConnectionOptions,
  resolveTLSServerOptions,
  type ResolvedTLSServerOptions,
  type TLSConnectionOptions,
  type TLSServerOptions,
} from './tls-options.ts'

/**
 * Options of {@link startTls}: the server's TLS options (certificate, key, `requestCert`...) on the
 * server side, the client's (`ca`, `servername`...) on the client side.
 */
export interface StartTLSOptions extends TLSServerOptions, TLSConnectionOptions {
  /**
   * Which side of the handshake this end takes.
   * @default `true` for a connection a server accepted, `false` for one `createConnection` made
   */
  serverSide?: boolean
  /**
   * Bytes the protocol received past the point of the upgrade and has not used (the start of the
   * peer's handshake, read in the same chunk as the STARTTLS command): they go to the TLS engine
   * first. A framing protocol gives them back with `clearBuffer()`.
   */
  readAhead?: Uint8Array
  /** Cancels the handshake while it is under way (the connection is then lost). */
  signal?: AbortSignal
}

/**
 * Server-side acceptors, one per options object: making a secure context from PEM costs
 * milliseconds, so a server that upgrades many connections with the same options makes it once.
 */
const acceptors = new WeakMap<object, TLSAcceptor>()

function acceptorFor(options: StartTLSOptions, resolved: ResolvedTLSServerOptions): TLSAcceptor {
  let acceptor = acceptors.get(options)
  if (acceptor === undefined) {
    acceptor = new TLSAcceptor(resolved)
    acceptors.set(options, acceptor)
  }
  return acceptor
}

/** Resolves once everything written to the socket so far has been handed to the system. */
function flushed(socket: Socket): Promise<void> {
  if (socket.writableLength === 0) {
    return Promise.resolve()
  }
  return new Promise((resolve, reject) => {
    socket.write(new Uint8Array(0), (error) => {
      if (error == null) {
        resolve()
      } else {
        reject(error)
      }
    })
  })
}

function concat(chunks: readonly Uint8Array[]): Uint8Array | undefined {
  const total = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0)
  if (total === 0) {
    return undefined
  }
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}

function serverHandshake(
  acceptor: TLSAcceptor,
  socket: Socket,
  readAhead: Uint8Array | undefined,
  peer: string | undefined,
  signal: AbortSignal | undefined,
  secured: (socket: TLSSocket, context: SecureContext) => SocketTransport<ExtraInfo>,
): Promise<SocketTransport<ExtraInfo>> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      socket.destroy()
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    acceptor.accept(socket, readAhead, {
      secure: (tlsSocket) => {
        signal?.removeEventListener('abort', onAbort)
        try {
          resolve(secured(tlsSocket, acceptor.contextOf(tlsSocket)))
        } catch (error) {
          tlsSocket.destroy()
          reject(error instanceof Error ? error : new Error(String(error)))
        }
      },
      failed: (error) => {
        signal?.removeEventListener('abort', onAbort)
        reject(
          signal?.aborted === true ? (signal.reason as Error) : new TLSHandshakeError(peer, error),
        )
      },
    })
  })
}

/**
 * Upgrades an open connection to TLS in place (asyncio's `loop.start_tls()`, Twisted's
 * `startTLS`), for STARTTLS-style protocols (SMTP, IMAP, PostgreSQL...). Resolves with the new
 * transport once the handshake is done; the same protocol goes on receiving callbacks from it,
 * with no second `connectionMade`: keep the new transport (`this.transport = await startTls(...)`).
 *
 * What was written before the call leaves first, in plaintext. From the call on, the old transport
 * is closing (its writes are dropped, with a warning) and delivers nothing; bytes it had received
 * and not delivered, and the `readAhead` the protocol gives back, go to the TLS engine, so a peer
 * that sends its handshake right behind the command is understood.
 *
 * Secure by default, on both sides: certificates are verified (the server's always, the client's
 * with `requestCert`), TLS 1.2 at least.
 *
 * @param transport - An open transport made by this package (`createServer` or `createConnection`).
 * @param options - The TLS options of this side, and `serverSide`, `readAhead`.
 * @returns The TLS transport of the connection.
 * @throws TypeError (rejected) for a transport of another package or invalid options; the
 *   connection is untouched then.
 * @throws {@link TLSHandshakeError} (rejected) when the handshake fails: the protocol's
 *   `connectionLost` gets the same error.
 * @example
 * ```ts
 * override lineReceived(line: string): void {
 *   if (line === 'STARTTLS') {
 *     this.sendLine('220 Ready to start TLS')
 *     const readAhead = this.clearBuffer()
 *     startTls(this.transport!, { ...serverTLS, readAhead }).then((secure) => {
 *       this.transport = secure
 *     }, () => undefined) // connectionLost has the error
 *   }
 * }
 * ```
 */
export async function startTls(
  transport: Transport,
  options: StartTLSOptions = {},
): Promise<Transport<TCPExtraInfo>> {
  if (!(transport instanceof SocketTransport)) {
    throw new TypeError('startTls() takes a transport made by @wirekit/transport-tcp')
  }
  if (transport.isClosing()) {
    throw Object.assign(new Error('startTls() needs an open transport; this one is closing'), {
      code: 'ERR_TRANSPORT_CLOSING',
    })
  }
  if (transport.getExtraInfo('ssl_object') !== undefined) {
    throw Object.assign(new Error('startTls(): the connection speaks TLS already'), {
      code: 'ERR_TLS_ALREADY',
    })
  }
  const serverSide = options.serverSide ?? transport.serverSide
  // Checked before anything changes: a bad option leaves the connection as it was.
  const server = serverSide ? resolveTLSServerOptions(options) : undefined
  const client = serverSide ? undefined : resolveTLSConnectionOptions(options)
  const acceptor = server === undefined ? undefined : acceptorFor(options, server)
  const shutdownTimeout = (server ?? client)?.shutdownTimeout ?? 0
  const handOver: HandOver = transport.beginHandOver()
  const { socket, hooks, kind } = handOver
  const peer = kind.peer
  const build = (tlsSocket: TLSSocket, context: SecureContext): SocketTransport<ExtraInfo> => {
    const next = new SocketTransport<ExtraInfo>(
      tlsSocket,
      transport.getProtocol(),
      { ...hooks, writeBufferLimits: handOver.writeBufferLimits },
      tlsKind(tlsSocket, kind, context, shutdownTimeout),
    )
    transport.endHandOver(next)
    next.continueConnection()
    return next
  }
  try {
    await flushed(socket)
    options.signal?.throwIfAborted()
    transport.releaseSocket()
    const readAhead = concat([
      ...(options.readAhead === undefined ? [] : [options.readAhead]),
      ...handOver.held,
    ])
    const next =
      acceptor === undefined
        ? await secureClientSocket(
            socket,
            // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- set on the client side
            client!,
            { host: options.servername ?? peerAddress(kind.peername), peer },
            readAhead,
            options.signal,
            build,
          )
        : await serverHandshake(acceptor, socket, readAhead, peer, options.signal, build)
    return next
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error))
    transport.failHandOver(failure)
    throw failure
  }
}

function peerAddress(peername: unknown): string {
  const address = (peername as { address?: unknown } | undefined)?.address
  return typeof address === 'string' ? address : 'localhost'
}
