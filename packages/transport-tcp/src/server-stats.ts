/** What a server has seen so far, and what it holds now: `server.stats()`. */
export interface ServerStats {
  /** Connections open now: their protocol exists and has not lost them yet. */
  readonly open: number
  /** Connections accepted whose protocol does not exist yet (PROXY header or TLS handshake under way). */
  readonly settingUp: number
  /** Connections accepted since the server started (the refused ones left out). */
  readonly accepted: number
  /** Connections closed at once: `maxConnections` reached, or descriptors running short. */
  readonly refused: number
  /** TLS handshakes that failed. */
  readonly handshakeFailures: number
  /** Connections closed for want of a valid PROXY header from a trusted balancer. */
  readonly proxyHeaderFailures: number
  /** Bytes received over every connection, ended ones included (TLS: decrypted bytes). */
  readonly bytesReceived: number
  /** Bytes sent over every connection, ended ones included (TLS: plaintext bytes). */
  readonly bytesSent: number
  /** Open connections whose protocol has paused reading. */
  readonly readingPaused: number
  /** Open connections whose protocol was told to pause writing (its peer reads too slowly). */
  readonly writingPaused: number
}

/** One open connection, as the stats see it. */
export interface CountedConnection {
  isReading(): boolean
  isClosing(): boolean
  isWritingPaused(): boolean
  readonly bytesReceived: number
  readonly bytesSent: number
}

/** A server's counters: events are counted as they come; the rest is read when asked. */
export class ServerCounters {
  accepted = 0
  refused = 0
  handshakeFailures = 0
  proxyHeaderFailures = 0
  #endedBytesReceived = 0
  #endedBytesSent = 0

  /** A connection ended: its bytes stay in the totals. */
  ended(connection: CountedConnection): void {
    this.#endedBytesReceived += connection.bytesReceived
    this.#endedBytesSent += connection.bytesSent
  }

  /** The figures now, from the counters and the open connections. */
  snapshot(open: Iterable<CountedConnection>, settingUp: number): ServerStats {
    let count = 0
    let bytesReceived = this.#endedBytesReceived
    let bytesSent = this.#endedBytesSent
    let readingPaused = 0
    let writingPaused = 0
    for (const connection of open) {
      count += 1
      bytesReceived += connection.bytesReceived
      bytesSent += connection.bytesSent
      if (!connection.isReading() && !connection.isClosing()) {
        readingPaused += 1
      }
      if (connection.isWritingPaused()) {
        writingPaused += 1
      }
    }
    return {
      open: count,
      settingUp,
      accepted: this.accepted,
      refused: this.refused,
      handshakeFailures: this.handshakeFailures,
      proxyHeaderFailures: this.proxyHeaderFailures,
      bytesReceived,
      bytesSent,
      readingPaused,
      writingPaused,
    }
  }
}
