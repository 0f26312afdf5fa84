import { randomBytes } from 'node:crypto'
import type { Socket } from 'node:net'
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls'
import { testCertificate } from '@wirekit/test-certificates'
import { Receiver, connectPeer } from './peer.ts'
import { testCA } from './tls-peer.ts'

/**
 * Ways a client makes a TLS server's handshake fail:
 * - `old-protocol`: a real TLS client that offers TLS 1.0 and 1.1 only (the server wants 1.2);
 * - `no-shared-cipher`: a real TLS 1.2 client whose only cipher suite the server refuses;
 * - `garbage`: a record of random bytes that is not a handshake (application data before any
 *   handshake);
 * - `reset`: the start of a ClientHello, then a reset (RST);
 * - `plaintext-*`: a client that speaks plaintext to the TLS port (an HTTP request, an SMTP
 *   greeting, a line of text);
 * - `health-check`: connects and closes (FIN) without a byte, as a TCP health check does;
 * - `hang-up`: the start of a ClientHello, then FIN;
 * - `untrusting`: a real TLS client that does not trust the server's certificate (another CA):
 *   it closes (FIN) without an alert, as Node's client does.
 */
export type HandshakeFailure =
  | 'old-protocol'
  | 'no-shared-cipher'
  | 'garbage'
  | 'reset'
  | 'plaintext-http'
  | 'plaintext-smtp'
  | 'plaintext-line'
  | 'health-check'
  | 'hang-up'
  | 'untrusting'

/** The plaintext each `plaintext-*` client sends. */
export const PLAINTEXT: Readonly<Record<string, string>> = {
  'plaintext-http': 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n',
  'plaintext-smtp': 'EHLO client.example\r\n',
  'plaintext-line': 'hello, is this thing on?\n',
}

/** A TLS record header announcing a 512-byte handshake record, and a ClientHello's first bytes. */
export const CLIENT_HELLO_START = Uint8Array.of(
  0x16,
  0x03,
  0x01,
  0x02,
  0x00,
  0x01,
  0x00,
  0x01,
  0xfc,
)

/** How one failing client's connection went, seen from the client. */
export interface FailedClient {
  readonly kind: HandshakeFailure
  /** When its connect began and when its socket closed (performance.now()). */
  readonly startedAt: number
  readonly closedAt: number
  /** Bytes the server sent it (a TLS alert, or nothing). */
  readonly received: Buffer
  /** How its receive side ended. */
  readonly end: string
}

/** Resolves once a real TLS client's handshake has failed and its socket is closed. */
async function failingTLSClient(
  host: string,
  port: number,
  options: ConnectionOptions,
): Promise<{ received: Buffer; end: string }> {
  const socket = tlsConnect({ host, port, servername: 'localhost', ...options })
  return new Promise((resolve) => {
    let end = 'closed'
    socket.on('secureConnect', () => {
      end = 'handshake succeeded'
      socket.destroy()
    })
    socket.on('error', (error: Error & { code?: string }) => {
      if (end === 'closed') {
        end = error.code ?? error.message
      }
    })
    socket.once('close', () => {
      resolve({ received: Buffer.alloc(0), end })
    })
  })
}

/** Resolves once a raw client has done its part and its socket is closed. */
async function failingRawClient(
  host: string,
  port: number,
  act: (socket: Socket) => void,
): Promise<{ received: Buffer; end: string }> {
  const socket = await connectPeer(host, port)
  const received: Buffer[] = []
  const receiver = new Receiver(socket, (chunk) => received.push(chunk))
  act(socket)
  await receiver.closed
  return { received: Buffer.concat(received), end: receiver.end }
}

/**
 * Runs one client that makes the handshake fail in the way `kind` says, and resolves once its
 * socket is closed (by the server, or by the client itself where the kind has it close).
 */
export async function failHandshake(
  kind: HandshakeFailure,
  host: string,
  port: number,
): Promise<FailedClient> {
  const startedAt = performance.now()
  let outcome: { received: Buffer; end: string }
  switch (kind) {
    case 'old-protocol':
      outcome = await failingTLSClient(host, port, {
        ca: testCA,
        minVersion: 'TLSv1',
        maxVersion: 'TLSv1.1',
      })
      break
    case 'no-shared-cipher':
      outcome = await failingTLSClient(host, port, {
        ca: testCA,
        maxVersion: 'TLSv1.2',
        ciphers: 'AES128-SHA',
      })
      break
    case 'untrusting':
      outcome = await failingTLSClient(host, port, { ca: testCertificate('other-ca').cert })
      break
    case 'garbage':
      outcome = await failingRawClient(host, port, (socket) => {
        socket.write(Buffer.concat([Uint8Array.of(0x17, 0x03, 0x03, 0x00, 0x40), randomBytes(64)]))
      })
      break
    case 'reset':
      outcome = await failingRawClient(host, port, (socket) => {
        socket.write(CLIENT_HELLO_START, () => {
          socket.resetAndDestroy()
        })
      })
      break
    case 'health-check':
      outcome = await failingRawClient(host, port, (socket) => {
        socket.end()
      })
      break
    case 'hang-up':
      outcome = await failingRawClient(host, port, (socket) => {
        socket.end(CLIENT_HELLO_START)
      })
      break
    default:
      outcome = await failingRawClient(host, port, (socket) => {
        socket.write(PLAINTEXT[kind] ?? '')
      })
  }
  return { kind, startedAt, closedAt: performance.now(), ...outcome }
}
