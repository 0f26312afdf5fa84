/**
 * One worker thread of the load generator: opens its connections and runs the closed loop on
 * each until told to stop, checking that every echo is byte-exact.
 */
import { randomBytes } from 'node:crypto'
import { connect, type Socket } from 'node:net'
import { parentPort, workerData } from 'node:worker_threads'
import * as hdr from 'hdr-histogram-js'
import type { LoadOptions, WorkerReport } from './load-options.ts'

interface WorkerInput {
  readonly options: LoadOptions
  readonly connections: number
  /** Requests this worker measures when the run is bounded by count. */
  readonly count: number | undefined
}

const { options, connections, count } = workerData as WorkerInput
const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000 })
let measuring = false
let stopping = false
let measured = 0
let connected = 0
let failure: string | undefined
const sockets: Socket[] = []

function finish(): void {
  stopping = true
  for (const socket of sockets) {
    socket.destroy()
  }
  const report: WorkerReport = {
    requests: measured,
    histogram: hdr.encodeIntoCompressedBase64(histogram),
    error: failure,
  }
  parentPort?.postMessage(report)
}

function fail(message: string): void {
  failure ??= message
  finish()
}

/**
 * Reads land in one buffer per connection (Node's public `onread` for client sockets): a
 * generator that allocated a buffer per read, as `'data'` events do, would spend its CPU on the
 * same allocations and page faults that slow raw Node servers down, on the machine it shares
 * with the server under test.
 */
const READ_BUFFER_SIZE = 256 * 1024

function runConnection(): void {
  const payload = randomBytes(options.size)
  let received = 0
  let sentAt = 0n
  const onRead = (nread: number, buffer: Buffer): boolean => {
    if (stopping) {
      return false
    }
    if (
      Buffer.compare(buffer.subarray(0, nread), payload.subarray(received, received + nread)) !== 0
    ) {
      fail(`echo mismatch at byte ${received} of a ${options.size}-byte message`)
      return false
    }
    received += nread
    if (received < options.size) {
      return true
    }
    if (measuring) {
      histogram.recordValue(Number((process.hrtime.bigint() - sentAt) / 1000n))
      measured += 1
      if (count !== undefined && measured >= count) {
        finish()
        return false
      }
    }
    send()
    return true
  }
  const onread = { buffer: Buffer.allocUnsafe(READ_BUFFER_SIZE), callback: onRead }
  const socket =
    options.path === undefined
      ? connect({ host: options.host, port: options.port, noDelay: true, onread })
      : connect({ path: options.path, onread })
  sockets.push(socket)
  const send = (): void => {
    received = 0
    sentAt = process.hrtime.bigint()
    socket.write(payload)
  }
  socket.on('connect', () => {
    connected += 1
    if (connected === connections) {
      parentPort?.postMessage('connected')
    }
    send()
  })
  socket.on('error', (error) => {
    if (!stopping) {
      fail(`connection error: ${error.message}`)
    }
  })
}

parentPort?.on('message', (message: 'measure' | 'stop') => {
  if (message === 'measure') {
    measuring = true
  } else if (!stopping) {
    finish()
  }
})
for (let i = 0; i < connections; i++) {
  runConnection()
}
