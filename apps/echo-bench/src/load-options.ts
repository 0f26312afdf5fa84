import type { ServerCpu } from './process-cpu.ts'

/**
 * What each connection (or datagram flow) of a load run repeats:
 * - `echo`: send one message on a connection kept open, wait for its whole echo, again (the
 *   closed loop of uvloop's echo benchmark);
 * - `reconnect`: connect, send one message, read its echo, close, again (connections per second);
 * - `datagram`: keep `window` datagrams in flight on a UDP socket, each answered by its echo or
 *   counted lost after `lossTimeout` (datagrams per second, and loss).
 */
export type LoadMode = 'echo' | 'reconnect' | 'datagram'

/** What one load run does. */
export interface LoadOptions {
  readonly host: string
  readonly port: number
  /** A Unix socket path to connect to instead of `host` and `port`. */
  readonly path?: string | undefined
  readonly mode: LoadMode
  /** Connections (or datagram flows), each running the loop of {@link mode}. */
  readonly connections: number
  /** Message (or datagram) size in bytes. */
  readonly size: number
  /** Seconds to measure (after the warm-up); ignored when `count` is set. */
  readonly duration: number
  /** Total requests to measure instead of a duration. */
  readonly count: number | undefined
  /** Seconds of load before measuring starts. */
  readonly warmup: number
  /** Worker threads the connections are spread over. */
  readonly threads: number
  /** The server's process id, to measure its CPU time over the measured window (Linux). */
  readonly serverPid: number | undefined
  /** TLS: the file of the CA that signed the server's certificate; `undefined` for plaintext. */
  readonly tlsCa: string | undefined
  /** The PROXY protocol version of the header sent first on every connection, if any. */
  readonly proxyHeader: 1 | 2 | undefined
  /** Datagrams in flight per flow (`datagram` mode). */
  readonly window: number
  /** Seconds after which an unanswered datagram counts as lost (`datagram` mode). */
  readonly lossTimeout: number
}

/** The TLS version and cipher a connection negotiated. */
export interface NegotiatedTLS {
  readonly protocol: string
  readonly cipher: string
}

/** Datagrams of the measured window (`datagram` mode). */
export interface DatagramCounts {
  /** Sent while measuring. */
  readonly sent: number
  /** Not answered within the loss timeout. */
  readonly lost: number
  /** Of the lost, those whose echo came later anyway (ignored, not counted as echoes). */
  readonly late: number
}

/** What a worker thread reports. */
export interface WorkerReport {
  readonly requests: number
  readonly histogram: string
  readonly error: string | undefined
  readonly tls?: NegotiatedTLS | undefined
  readonly datagrams?: DatagramCounts | undefined
}

/** The result of one load run. */
export interface LoadResult {
  /** What the run did, as the generator's `--json` prints it (saved runs may lack it). */
  readonly options?: LoadOptions
  /** Echoes measured: messages, connections (`reconnect`) or datagrams (`datagram`). */
  readonly requests: number
  readonly seconds: number
  readonly requestsPerSecond: number
  readonly mibPerSecond: number
  /** Latency in microseconds (of a whole connection in `reconnect` mode). */
  readonly latency: {
    readonly p50: number
    readonly p90: number
    readonly p99: number
    readonly max: number
  }
  /** The generator's own CPU use, as a share of one core. */
  readonly generatorCpu: number
  /** The server's CPU time over the measured window, when its process id was given. */
  readonly serverCpu?: ServerCpu
  /** What the connections negotiated, over TLS. */
  readonly tls?: NegotiatedTLS
  /** Sent, lost and late datagrams, in `datagram` mode. */
  readonly datagrams?: DatagramCounts
}
