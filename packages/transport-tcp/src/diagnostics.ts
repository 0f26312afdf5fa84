/**
 * What transport-tcp tells `node:diagnostics_channel` subscribers (and `NODE_DEBUG=wirekit`), the
 * way undici does: one channel per event, a plain object per message. Nothing is built or
 * published while a channel has no subscriber, and nothing is formatted unless the debug log is on.
 */
import { channel } from 'node:diagnostics_channel'
import { debuglog } from 'node:util'
import type { Transport, TransportAddress } from '@wirekit/protocol-core'

/** The names of the channels, to subscribe with `diagnostics_channel.subscribe(name, listener)`. */
export const diagnosticsChannels = {
  /** A server listens: `{ server, addresses }`. */
  serverListening: 'wirekit:server:listening',
  /** A server stopped listening: `{ server }`. */
  serverClosed: 'wirekit:server:closed',
  /** A connection's protocol was made and given `connectionMade`: `{ transport, server }`. */
  connectionOpened: 'wirekit:connection:opened',
  /** A connection ended (after `connectionLost`): `{ transport, server, error }`. */
  connectionClosed: 'wirekit:connection:closed',
  /**
   * A server's connection failed before its protocol existed: `{ server, stage, message, error }`,
   * `stage` `'tls'` (a handshake) or `'proxy'` (the PROXY header).
   */
  connectionFailed: 'wirekit:connection:failed',
  /** A protocol was told to pause (`paused: true`) or resume writing: `{ transport, paused }`. */
  backpressure: 'wirekit:connection:backpressure',
} as const

/** A server as the messages carry it (the `TCPServer` object itself). */
export interface DiagnosedServer {
  addresses(): TransportAddress[]
}

const serverListening = channel(diagnosticsChannels.serverListening)
const serverClosed = channel(diagnosticsChannels.serverClosed)
const connectionOpened = channel(diagnosticsChannels.connectionOpened)
const connectionClosed = channel(diagnosticsChannels.connectionClosed)
const connectionFailed = channel(diagnosticsChannels.connectionFailed)
const backpressure = channel(diagnosticsChannels.backpressure)

const debug = debuglog('wirekit')

function peerOf(transport: Transport): string {
  const peer = transport.getExtraInfo('peername')
  return typeof peer === 'string'
    ? peer || 'an unnamed peer'
    : `${peer?.address ?? '?'} port ${String(peer?.port)}`
}

/** A server listens. */
export function publishServerListening(server: DiagnosedServer): void {
  if (serverListening.hasSubscribers) {
    serverListening.publish({ server, addresses: server.addresses() })
  }
  if (debug.enabled) {
    debug('server listening on %j', server.addresses())
  }
}

/** A server stopped listening. */
export function publishServerClosed(server: DiagnosedServer, addresses: TransportAddress[]): void {
  if (serverClosed.hasSubscribers) {
    serverClosed.publish({ server })
  }
  if (debug.enabled) {
    debug('server closed on %j', addresses)
  }
}

/** A connection's protocol was made and given `connectionMade`. */
export function publishConnectionOpened(
  transport: Transport,
  server: DiagnosedServer | undefined,
): void {
  if (connectionOpened.hasSubscribers) {
    connectionOpened.publish({ transport, server })
  }
  if (debug.enabled) {
    debug('connection opened with %s', peerOf(transport))
  }
}

/** A connection ended, with the error it ended with (`undefined`: a clean end). */
export function publishConnectionClosed(
  transport: Transport,
  server: DiagnosedServer | undefined,
  error: Error | undefined,
): void {
  if (connectionClosed.hasSubscribers) {
    connectionClosed.publish({ transport, server, error })
  }
  if (debug.enabled) {
    debug(
      'connection with %s closed%s',
      peerOf(transport),
      error === undefined ? '' : `: ${error.message}`,
    )
  }
}

/** A server's connection failed before its protocol existed. */
export function publishConnectionFailed(
  server: DiagnosedServer,
  stage: 'tls' | 'proxy',
  message: string,
  error: Error | undefined,
): void {
  if (connectionFailed.hasSubscribers) {
    connectionFailed.publish({ server, stage, message, error })
  }
  if (debug.enabled) {
    debug('connection failed (%s): %s', stage, message)
  }
}

/** A protocol was told to pause or resume writing. */
export function publishBackpressure(transport: Transport, paused: boolean): void {
  if (backpressure.hasSubscribers) {
    backpressure.publish({ transport, paused })
  }
  if (debug.enabled) {
    debug('%s writing to %s', paused ? 'pause' : 'resume', peerOf(transport))
  }
}
