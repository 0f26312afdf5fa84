import type { SecureContext, TLSSocket } from 'node:tls'
import type { CompleteSocketKind, SocketKind } from './socket-transport.ts'
import { unsentTLSBytes } from './unsent-bytes.ts'

/** What a TLS transport reports under asyncio's keys and ours, read once at the handshake. */
function handshakeInfo(
  socket: TLSSocket,
  context: SecureContext | undefined,
): Map<string, unknown> {
  const certificate = socket.getPeerCertificate()
  // null once the peer was verified, whatever the types say.
  const authorizationError: unknown = socket.authorizationError
  return new Map<string, unknown>([
    ['sslcontext', context],
    // An empty object when the peer showed none: asyncio gives None.
    ['peercert', Object.keys(certificate).length === 0 ? undefined : certificate],
    ['cipher', socket.getCipher()],
    ['compression', null],
    ['ssl_object', socket],
    ['tlsProtocol', socket.getProtocol() ?? undefined],
    ['alpnProtocol', socket.alpnProtocol ?? false],
    ['servername', socket.servername],
    ['authorized', socket.authorized],
    ['authorizationError', authorizationError ?? undefined],
  ])
}

/**
 * The kind of a TLS socket whose handshake is done: the addresses (and extra information) of the
 * connection under it, TLS information, no reset probe (the descriptor carries TLS records, not the protocol's bytes),
 * and a bounded close.
 */
export function tlsKind(
  socket: TLSSocket,
  connection: SocketKind,
  context: SecureContext | undefined,
  shutdownTimeout: number,
): SocketKind {
  const info = handshakeInfo(socket, context)
  const kind: CompleteSocketKind = {
    peername: connection.peername,
    sockname: connection.sockname,
    peer: connection.peer,
    probeResetAtEof: false,
    closeTimeout: shutdownTimeout,
    unsentBytes: unsentTLSBytes,
    extraInfo: (name) => (info.has(name) ? info.get(name) : connection.extraInfo?.(name)),
  }
  return kind
}
