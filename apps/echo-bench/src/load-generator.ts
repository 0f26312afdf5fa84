import { readFileSync } from 'node:fs'
import { Worker } from 'node:worker_threads'
import * as hdr from 'hdr-histogram-js'
import type {
  DatagramCounts,
  LoadMode,
  LoadOptions,
  LoadResult,
  WorkerReport,
} from './load-options.ts'
import { clockTicksPerSecond, readTreeCpuTicks, serverCpu, type CpuTicks } from './process-cpu.ts'
import type { WorkerInput, WorkerMessage } from './worker-run.ts'

/** The worker thread that runs each mode's loop. */
const WORKERS: Record<LoadMode, string> = {
  echo: './load-worker.js',
  reconnect: './reconnect-worker.js',
  datagram: './datagram-worker.js',
}

/** The CA's PEM text, read once for every worker. */
function readCa(file: string | undefined): string | undefined {
  if (file === undefined) {
    return undefined
  }
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    throw new Error(`cannot read the CA file ${file}: ${(error as Error).message}`, {
      cause: error,
    })
  }
}

function sumDatagrams(reports: readonly WorkerReport[]): DatagramCounts | undefined {
  const counts = reports.flatMap((report) => report.datagrams ?? [])
  return counts.length === 0
    ? undefined
    : {
        sent: counts.reduce((sum, c) => sum + c.sent, 0),
        lost: counts.reduce((sum, c) => sum + c.lost, 0),
        late: counts.reduce((sum, c) => sum + c.late, 0),
      }
}

/** The CPU ticks of the server's process tree, with an error that names the option. */
function serverTicks(pid: number): CpuTicks {
  try {
    return readTreeCpuTicks(pid)
  } catch (error) {
    throw new Error(`the server's process ${pid} (--server-pid) is not running`, { cause: error })
  }
}

/** Splits `total` into `parts` near-equal whole shares. */
function split(total: number, parts: number): number[] {
  return Array.from(
    { length: parts },
    (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0),
  )
}

/**
 * Runs the loop of `options.mode` over worker threads and merges their histograms. The server's
 * CPU time (with `serverPid`) is that of its whole process tree.
 * @param onProgress - Called every second with the requests measured so far (for a TTY line).
 * @throws Error when an echo is not byte-exact, a connection or a worker fails, or the server's
 *   process (`serverPid`) is not running; every worker is stopped first.
 */
export async function runLoad(
  options: LoadOptions,
  onProgress?: (seconds: number) => void,
): Promise<LoadResult> {
  const threads = Math.min(options.threads, options.connections)
  const perThread = split(options.connections, threads)
  const counts = options.count === undefined ? undefined : split(options.count, threads)
  const ca = readCa(options.tlsCa)
  const workers = perThread.map(
    (connections, i) =>
      new Worker(new URL(WORKERS[options.mode], import.meta.url), {
        workerData: { options, connections, count: counts?.[i], ca } satisfies WorkerInput,
      }),
  )
  try {
    return await measure(workers, options, onProgress)
  } finally {
    // After a failure too: a worker left running would keep the generator's process alive.
    await Promise.all(workers.map((worker) => worker.terminate()))
  }
}

/** Runs the warm-up and the measured window over started workers, and merges their reports. */
async function measure(
  workers: readonly Worker[],
  options: LoadOptions,
  onProgress: ((seconds: number) => void) | undefined,
): Promise<LoadResult> {
  const channels = workers.map((worker) => {
    let connected = (): void => undefined
    const ready = new Promise<void>((resolve) => (connected = resolve))
    const report = new Promise<WorkerReport>((resolve, reject) => {
      worker.on('message', (message: WorkerMessage) => {
        if (message === 'connected') {
          connected()
        } else {
          resolve(message)
        }
      })
      worker.once('error', reject)
      // A worker that ends without a report (a report settles the promise first) has crashed.
      worker.once('exit', (code) =>
        reject(new Error(`a load worker exited (code ${code}) without a report`)),
      )
    })
    return { ready, report }
  })
  const reports = channels.map((channel) => channel.report)
  // The warm-up starts once every connection is up (or a worker failed): starting a thread and
  // connecting can take longer than a short warm-up on a busy machine.
  await Promise.all(channels.map(({ ready, report }) => Promise.race([ready, report])))
  const cpuBefore = process.cpuUsage()
  await new Promise((resolve) => setTimeout(resolve, options.warmup * 1000))
  const started = performance.now()
  const cpuStart = process.cpuUsage(cpuBefore)
  const { serverPid } = options
  const serverStart = serverPid === undefined ? undefined : serverTicks(serverPid)
  let serverEnd: CpuTicks | Error | undefined
  // The server's CPU is sampled when measuring stops, before the connections close; a server
  // gone by then fails the run once the workers have reported.
  const sampleServerEnd = (): void => {
    if (serverPid !== undefined && serverEnd === undefined) {
      try {
        serverEnd = serverTicks(serverPid)
      } catch (error) {
        serverEnd = error as Error
      }
    }
  }
  for (const worker of workers) {
    worker.postMessage('measure')
  }
  const ticker = setInterval(() => onProgress?.((performance.now() - started) / 1000), 1000)
  let timer: NodeJS.Timeout | undefined
  if (options.count === undefined) {
    timer = setTimeout(() => {
      sampleServerEnd()
      for (const worker of workers) {
        worker.postMessage('stop')
      }
    }, options.duration * 1000)
  }
  let settled: WorkerReport[]
  try {
    // A failing worker stops the others at once.
    settled = await Promise.all(
      reports.map((report) =>
        report.then((value) => {
          if (value.error !== undefined) {
            for (const worker of workers) {
              worker.postMessage('stop')
            }
          }
          return value
        }),
      ),
    )
  } finally {
    // Also when a worker crashed: either timer would keep the process alive.
    clearTimeout(timer)
    clearInterval(ticker)
  }
  sampleServerEnd()
  const seconds = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  const error = settled.find((report) => report.error !== undefined)?.error
  if (error !== undefined) {
    throw new Error(error)
  }
  const serverAtEnd = serverEnd
  if (serverAtEnd instanceof Error) {
    throw serverAtEnd
  }
  const merged = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000 })
  for (const report of settled) {
    merged.add(hdr.decodeFromCompressedBase64(report.histogram))
  }
  const requests = settled.reduce((sum, report) => sum + report.requests, 0)
  if (requests === 0) {
    throw new Error(`no echo completed in the ${seconds.toFixed(1)} s measured`)
  }
  const cpuSeconds = (cpu.user + cpu.system - cpuStart.user - cpuStart.system) / 1e6
  const tls = settled.find((report) => report.tls !== undefined)?.tls
  const datagrams = sumDatagrams(settled)
  return {
    requests,
    seconds,
    requestsPerSecond: requests / seconds,
    mibPerSecond: (requests * options.size) / seconds / 1024 / 1024,
    latency: {
      p50: merged.getValueAtPercentile(50),
      p90: merged.getValueAtPercentile(90),
      p99: merged.getValueAtPercentile(99),
      max: merged.maxValue,
    },
    generatorCpu: cpuSeconds / seconds,
    ...(serverStart !== undefined && serverAtEnd !== undefined
      ? { serverCpu: serverCpu(serverStart, serverAtEnd, requests, clockTicksPerSecond()) }
      : {}),
    ...(tls === undefined ? {} : { tls }),
    ...(datagrams === undefined ? {} : { datagrams }),
  }
}
