import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { builtScript } from './built-script.ts'
import type { LoadResult } from './load-options.ts'
import type { RunPlan, Series } from './results.ts'
import { startServer, type ServerSpec } from './servers.ts'

const generator = builtScript('main.js')

/**
 * One run: a fresh server process, loaded by the generator in a process of its own (which also
 * measures the server's CPU time), then stopped.
 * @throws Error when the server does not start or the generator fails (no figure then).
 */
export async function measure(spec: ServerSpec, size: number, plan: RunPlan): Promise<LoadResult> {
  const server = await startServer(spec)
  try {
    const args = [
      generator,
      ...server.target,
      ...['--server-pid', String(server.pid)],
      ...['--size', String(size), '--connections', String(plan.connections)],
      ...['--threads', String(plan.threads), '--duration', String(plan.duration)],
      ...['--warmup', String(plan.warmup), '--json'],
      ...(spec.load ?? []),
    ]
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk))
    const [code] = (await once(child, 'exit')) as [number | null]
    if (code !== 0) {
      throw new Error(
        `the load generator failed against ${spec.name} at ${size} bytes: ${err.trim() || `exit ${String(code)}`}`,
      )
    }
    return JSON.parse(out) as LoadResult
  } finally {
    await server.stop()
  }
}

/** What one run's log line says. */
function summary(result: LoadResult, unit: string): string {
  const cpu = result.serverCpu
  const lost = result.datagrams === undefined ? '' : `, ${result.datagrams.lost} lost`
  const cpuShown =
    cpu === undefined
      ? ''
      : `, CPU ${(cpu.userMicrosPerRequest + cpu.systemMicrosPerRequest).toFixed(1)} µs each`
  return `${result.requestsPerSecond.toFixed(0)} ${unit}/s${lost}, p99 ${result.latency.p99} µs${cpuShown}`
}

/**
 * Every server at every size, round by round (A B C A B C ...), each run against a fresh server.
 * @param label - What the log lines start with (`unix: `), and the unit of the figure (`req`).
 */
export async function runSeries(
  specs: readonly ServerSpec[],
  sizes: readonly number[],
  plan: RunPlan,
  log: (line: string) => void,
  label: { readonly prefix: string; readonly unit: string } = { prefix: '', unit: 'req' },
): Promise<Series[]> {
  const series: { server: string; size: number; runs: LoadResult[] }[] = []
  for (const size of sizes) {
    for (let round = 1; round <= plan.rounds; round++) {
      for (const spec of specs) {
        const result = await measure(spec, size, plan)
        log(
          `${label.prefix}${spec.name.padEnd(24)} ${String(size).padStart(6)} B  round ${round}: ${summary(result, label.unit)}`,
        )
        let entry = series.find((s) => s.server === spec.name && s.size === size)
        if (entry === undefined) {
          entry = { server: spec.name, size, runs: [] }
          series.push(entry)
        }
        entry.runs.push(result)
      }
    }
  }
  return series
}
