import { isIP, type Socket } from 'node:net'
import {
  connect,
  createSecureContext,
  type ConnectionOptions,
  type SecureContext,
  type TLSSocket,
} from 'node:tls'
import { handshakeTimeoutError, TLSHandshakeError } from './tls-errors.ts'
import type { ResolvedTLSConnectionOptions } from './tls-options.ts'

/**
 * Runs the client side of a TLS handshake over a connected socket, through `tls.connect({ socket })`:
 * the one way Node verifies the server's certificate (a bare `new TLSSocket(socket)` does not).
 * `readAhead` is what was already read from the socket (it goes to the engine first). Once the
 * handshake is done, `secured` takes the socket at once (so that no event finds it unattended)
 * and what it returns resolves the promise.
 * @throws {@link TLSHandshakeError} (rejected) when the handshake fails or times out, and the
 *   signal's reason when it is aborted; the socket is destroyed then.
 */
export function secureClientSocket<T>(
  socket: Socket,
  resolved: ResolvedTLSConnectionOptions,
  target: { readonly host: string; readonly peer: string | undefined },
  readAhead: Uint8Array | undefined,
  signal: AbortSignal | undefined,
  secured: (socket: TLSSocket, context: SecureContext) => T,
): Promise<T> {
  const { host, peer } = target
  const { options, handshakeTimeout } = resolved
  const {
    servername,
    rejectUnauthorized,
    checkServerIdentity,
    session,
    ALPNProtocols,
    secureContext,
    handshakeTimeout: _handshake,
    shutdownTimeout: _shutdown,
    ...contextOptions
  } = options
  let context: SecureContext
  try {
    context = secureContext ?? createSecureContext({ minVersion: 'TLSv1.2', ...contextOptions })
  } catch (error) {
    socket.destroy()
    return Promise.reject(new TLSHandshakeError(peer, error))
  }
  if (readAhead !== undefined && readAhead.byteLength > 0) {
    socket.unshift(readAhead)
  }
  return new Promise((resolve, reject) => {
    const tlsSocket = connect({
      socket,
      host,
      secureContext: context,
      // Names go in SNI; addresses are checked against the certificate's IP entries instead.
      ...(servername === undefined
        ? isIP(host) === 0
          ? { servername: host }
          : {}
        : { servername }),
      rejectUnauthorized: rejectUnauthorized ?? true,
      ...(checkServerIdentity === undefined ? {} : { checkServerIdentity }),
      ...(session === undefined ? {} : { session }),
      ...(ALPNProtocols === undefined ? {} : { ALPNProtocols }),
      // Passed on to the TLSSocket by tls.connect(), though its types leave it out.
      allowHalfOpen: true,
    } as ConnectionOptions)
    const timer =
      handshakeTimeout > 0
        ? setTimeout(() => {
            tlsSocket.destroy(handshakeTimeoutError(handshakeTimeout))
          }, handshakeTimeout)
        : undefined
    const onAbort = (): void => {
      settle()
      tlsSocket.destroy()
      socket.destroy()
      reject(signal?.reason as Error)
    }
    const settle = (): void => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      tlsSocket.off('secureConnect', onSecure)
      tlsSocket.off('error', onError)
    }
    const onError = (error: Error): void => {
      settle()
      tlsSocket.destroy()
      // Node leaves the TCP socket under a TLS socket destroyed mid-handshake open.
      socket.destroy()
      reject(new TLSHandshakeError(peer, error))
    }
    const onSecure = (): void => {
      settle()
      try {
        resolve(secured(tlsSocket, context))
      } catch (error) {
        tlsSocket.destroy()
        reject(error instanceof Error ? error : new Error(String(error)))
      }
    }
    tlsSocket.once('error', onError)
    tlsSocket.once('secureConnect', onSecure)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
