/**
 * What every worker thread of the load generator shares, whatever its loop: the latency
 * histogram, the measured count, the messages from the main thread (`measure`, `stop`) and the
 * report it gets back.
 */
import { parentPort, workerData } from 'node:worker_threads'
import * as hdr from 'hdr-histogram-js'
import type { LoadOptions, WorkerReport } from './load-options.ts'

/** What the main thread gives each worker. */
export interface WorkerInput {
  readonly options: LoadOptions
  /** Connections (or datagram flows) of this worker. */
  readonly connections: number
  /** Requests this worker measures when the run is bounded by count. */
  readonly count: number | undefined
  /** The PEM text of `options.tlsCa`, read once by the main thread. */
  readonly ca: string | undefined
}

/** The messages a worker sends its main thread: `connected` once, then its report. */
export type WorkerMessage = 'connected' | WorkerReport

/** One worker's run: its loops call {@link echoed} and {@link fail}; the run reports once. */
export class WorkerRun {
  readonly input: WorkerInput = workerData as WorkerInput
  /** Set on `measure`: echoes count from then on. */
  measuring = false
  /** Set once the report is sent: loops stop and ignore what still comes. */
  stopping = false
  #measured = 0
  #connected = 0
  #failure: string | undefined
  readonly #histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000 })
  readonly #stop: () => void
  readonly #extra: () => Partial<WorkerReport>

  /**
   * @param stop - Closes every socket of the worker's loops.
   * @param extra - What the loops add to the report (negotiated TLS, datagram counts).
   */
  constructor(stop: () => void, extra: () => Partial<WorkerReport> = () => ({})) {
    this.#stop = stop
    this.#extra = extra
    parentPort?.on('message', (message: 'measure' | 'stop') => {
      if (message === 'measure') {
        this.measuring = true
      } else {
        this.finish()
      }
    })
  }

  /** One connection is up; once all are, the main thread starts the warm-up. */
  connected(): void {
    this.#connected += 1
    if (this.#connected === this.input.connections) {
      parentPort?.postMessage('connected' satisfies WorkerMessage)
    }
  }

  /**
   * An echo completed that was sent at `sentAt` (`process.hrtime.bigint()`): recorded when
   * measuring. Returns false once the run is over (its count reached, or stopped).
   */
  echoed(sentAt: bigint): boolean {
    if (this.stopping) {
      return false
    }
    if (this.measuring) {
      this.#histogram.recordValue(Number((process.hrtime.bigint() - sentAt) / 1000n))
      this.#measured += 1
      const { count } = this.input
      if (count !== undefined && this.#measured >= count) {
        this.finish()
        return false
      }
    }
    return true
  }

  /** Ends the run with an error: no figure comes out of it. */
  fail(message: string): void {
    this.#failure ??= message
    this.finish()
  }

  /** Closes the loops and sends the report, once. */
  finish(): void {
    if (this.stopping) {
      return
    }
    this.stopping = true
    this.#stop()
    const report: WorkerReport = {
      requests: this.#measured,
      histogram: hdr.encodeIntoCompressedBase64(this.#histogram),
      error: this.#failure,
      ...this.#extra(),
    }
    parentPort?.postMessage(report satisfies WorkerMessage)
  }
}
