import type { ServerCpu } from './process-cpu.ts'

/** What one load run does: the closed loop of uvloop's echo benchmark. */
export interface LoadOptions {
  readonly host: string
  readonly port: number
  /** A Unix socket path to connect to instead of `host` and `port`. */
  readonly path?: string | undefined
  /** Connections, each sending one message and waiting for its whole echo before the next. */
  readonly connections: number
  /** Message size in bytes. */
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
}

/** What a worker thread reports. */
export interface WorkerReport {
  readonly requests: number
  readonly histogram: string
  readonly error: string | undefined
}

/** The result of one load run. */
export interface LoadResult {
  readonly requests: number
  readonly seconds: number
  readonly requestsPerSecond: number
  readonly mibPerSecond: number
  /** Latency in microseconds. */
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
}
