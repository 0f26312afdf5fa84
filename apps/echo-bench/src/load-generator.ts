import { Worker } from 'node:worker_threads'
import * as hdr from 'hdr-histogram-js'
import type { LoadOptions, LoadResult, WorkerReport } from './load-options.ts'
import { clockTicksPerSecond, readCpuTicks, serverCpu, type CpuTicks } from './process-cpu.ts'

/** Splits `total` into `parts` near-equal whole shares. */
function split(total: number, parts: number): number[] {
  return Array.from(
    { length: parts },
    (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0),
  )
}

/**
 * Runs the closed loop over worker threads and merges their histograms.
 * @param onProgress - Called every second with the requests measured so far (for a TTY line).
 * @throws Error when an echo is not byte-exact or a connection fails.
 */
export async function runLoad(
  options: LoadOptions,
  onProgress?: (seconds: number) => void,
): Promise<LoadResult> {
  const threads = Math.min(options.threads, options.connections)
  const perThread = split(options.connections, threads)
  const counts = options.count === undefined ? undefined : split(options.count, threads)
  const workers = perThread.map(
    (connections, i) =>
      new Worker(new URL('./load-worker.js', import.meta.url), {
        workerData: { options, connections, count: counts?.[i] },
      }),
  )
  const channels = workers.map((worker) => {
    let connected = (): void => undefined
    const ready = new Promise<void>((resolve) => (connected = resolve))
    const report = new Promise<WorkerReport>((resolve, reject) => {
      worker.on('message', (message: 'connected' | WorkerReport) => {
        if (message === 'connected') {
          connected()
        } else {
          resolve(message)
        }
      })
      worker.once('error', reject)
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
  const serverStart = serverPid === undefined ? undefined : readCpuTicks(serverPid)
  let serverEnd: CpuTicks | undefined
  // The server's CPU is sampled when measuring stops, before the connections close.
  const sampleServerEnd = (): void => {
    if (serverPid !== undefined) {
      serverEnd ??= readCpuTicks(serverPid)
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
  // A failing worker stops the others at once.
  const settled = await Promise.all(
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
  sampleServerEnd()
  clearTimeout(timer)
  clearInterval(ticker)
  const seconds = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  await Promise.all(workers.map((worker) => worker.terminate()))
  const error = settled.find((report) => report.error !== undefined)?.error
  if (error !== undefined) {
    throw new Error(error)
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
    ...(serverStart !== undefined && serverEnd !== undefined
      ? { serverCpu: serverCpu(serverStart, serverEnd, requests, clockTicksPerSecond()) }
      : {}),
  }
}
