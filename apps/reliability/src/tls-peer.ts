import { once } from 'node:events'
import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls'
import { testCertificate } from '@wirekit/test-certificates'

/** The CA of the test certificates, which issued the server certificate the suite's servers show. */
export const testCA: string = testCertificate('ca').cert

/**
 * A TLS client over loopback that trusts the test CA and checks the name `localhost` (the test
 * server certificate's), resolved once its handshake is done. `options` may change any of it.
 * Rejects with the socket's error, or after `timeoutMs`.
 */
export async function connectTLSPeer(
  host: string,
  port: number,
  options: ConnectionOptions = {},
  timeoutMs = 10_000,
): Promise<TLSSocket> {
  const socket = connect({ host, port, ca: testCA, servername: 'localhost', ...options })
  const timer = setTimeout(() => {
    socket.destroy(new Error(`TLS connect to ${host} port ${port} timed out after ${timeoutMs} ms`))
  }, timeoutMs)
  try {
    await once(socket, 'secureConnect')
    return socket
  } catch (error) {
    socket.destroy()
    throw error
  } finally {
    clearTimeout(timer)
  }
}
