import type { DrainResult } from '@wirekit/transport-tcp'

/**
 * What the servers of `src/servers/` reply to the suite's commands (see `control.ts`). Times are
 * the server's own clock (`performance.now()` in its process, in ms): compare them with each
 * other, never with the suite's clock.
 */

/** One connection a stream server made a protocol for. */
export interface ConnectionRecord {
  /**
   * The port the connection's socket came from: the client's, or the balancer's behind a PROXY
   * header. The suite finds its own socket by it.
   */
  readonly socketPort: number
  /** The peer as the protocol sees it (`peername`): the header's source behind a PROXY header. */
  readonly peer: string
  readonly madeAt: number
  readonly lostAt?: number
  /** `connectionLost`'s error (its code or name), when it had one. */
  readonly error?: string
  /** Whether the protocol was told to drain (`drainRequested`). */
  readonly toldToDrain: boolean
}

/** The `stats` reply of the stream echo server. */
export interface StreamServerStats {
  /** Protocols made (`connectionMade` calls). */
  readonly made: number
  /** `connectionLost` calls. */
  readonly lost: number
  /** `drainRequested` calls. */
  readonly toldToDrain: number
  /** Connections open now (`server.connectionCount`). */
  readonly open: number
  /** Connections whose protocol does not exist yet (PROXY header or TLS handshake under way). */
  readonly settingUp: number
  readonly handshakeFailures: number
  readonly proxyHeaderFailures: number
  readonly now: number
}

/** The `draining` reply: the drain began. */
export interface DrainStarted {
  /** Connections open when `drain()` was called. */
  readonly open: number
  /** Connections still in set-up then. */
  readonly settingUp: number
  readonly at: number
}

/** The `drained` reply: `drain()` resolved. */
export interface DrainFinished extends DrainResult {
  readonly at: number
}

/**
 * The `closed` reply: after `close()` and `closeClients()`, `waitClosed()` resolved. The server
 * reads no more commands then, so the reply carries its last counts and records.
 */
export interface ShutdownFinished {
  /** When the `shutdown` command came. */
  readonly startedAt: number
  readonly at: number
  readonly stats: StreamServerStats
  readonly connections: readonly ConnectionRecord[]
}

/** The `stats` and `sent` replies of the UDP sender. */
export interface DatagramSenderStats {
  /** `sendto()` calls made. */
  readonly sent: number
  readonly pauses: number
  readonly resumes: number
  /** Whether writing is paused now. */
  readonly paused: boolean
  /** Whether pauses and resumes alternated, starting with a pause. */
  readonly alternated: boolean
  /** The largest write-buffer size seen right after a `sendto()`, in bytes. */
  readonly maxQueued: number
  /** The high-water mark, in bytes. */
  readonly highWater: number
  /** The codes of the errors `errorReceived` got, in order (at most the first 100). */
  readonly errors: readonly string[]
  readonly errorCount: number
  /** Datagrams received (echoes). */
  readonly received: number
  readonly closing: boolean
  readonly now: number
}

/** The `stats` reply of the UDP receiver. */
export interface DatagramReceiverStats {
  readonly received: number
  readonly bytes: number
  readonly errorCount: number
  readonly now: number
}
