#!/usr/bin/env node
/**
 * `pnpm bench`: the comparison behind docs/benchmarks.md. Every server runs at every size, round
 * by round (A B C D A B C D ...), each run against a fresh server process, with the load generator
 * in a process of its own measuring the server's CPU time too; then the memory of idle
 * connections, wirekit against raw node:net on each Node line. The report and the chart are drawn
 * from the results alone.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, release, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { EXIT, runCli } from '@wirekit/app-support'
import { BENCH_USAGE, parsePlan, type BenchPlan } from './bench-args.ts'
import { buildCServer } from './c-server.ts'
import { drawChart } from './chart-svg.ts'
import { comparisonServers } from './comparison-servers.ts'
import { idleConnectionCost } from './idle-memory.ts'
import type { LoadResult } from './load-options.ts'
import { resolveNode } from './node-binary.ts'
import { clockTicksPerSecond } from './process-cpu.ts'
import { choosePython } from './python.ts'
import { renderReport } from './report-markdown.ts'
import type { BenchResults, Environment, MemoryFigure, Series } from './results.ts'
import { startServer, type ServerSpec } from './servers.ts'

const generator = fileURLToPath(new URL('./main.js', import.meta.url))
const docs = fileURLToPath(new URL('../../../docs/', import.meta.url))
const log = (line: string): void => void process.stderr.write(`${line}\n`)

async function measure(spec: ServerSpec, size: number, plan: BenchPlan): Promise<LoadResult> {
  const server = await startServer(spec)
  try {
    const args = [
      generator,
      ...['--port', String(server.port), '--server-pid', String(server.pid)],
      ...['--size', String(size), '--connections', String(plan.connections)],
      ...['--threads', String(plan.threads), '--duration', String(plan.duration)],
      ...['--warmup', String(plan.warmup), '--json'],
    ]
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
    const [code] = (await once(child, 'exit')) as [number | null]
    if (code !== 0) {
      throw new Error(`the load generator failed against ${spec.name} at ${size} bytes`)
    }
    return JSON.parse(out) as LoadResult
  } finally {
    await server.stop()
  }
}

function environment(): Environment {
  const model = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]
  return {
    cpu: model ?? 'unknown CPU',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    generator: process.version,
    clockTicksPerSecond: clockTicksPerSecond(),
  }
}

async function throughputRuns(specs: readonly ServerSpec[], plan: BenchPlan): Promise<Series[]> {
  const series: { server: string; size: number; runs: LoadResult[] }[] = []
  for (const size of plan.sizes) {
    for (let round = 1; round <= plan.rounds; round++) {
      for (const spec of specs) {
        const result = await measure(spec, size, plan)
        const cpu = result.serverCpu
        const cpuShown =
          cpu === undefined
            ? ''
            : `, CPU ${(cpu.userMicrosPerRequest + cpu.systemMicrosPerRequest).toFixed(1)} µs/request`
        log(
          `${spec.name.padEnd(24)} ${String(size).padStart(6)} B  round ${round}: ${result.requestsPerSecond.toFixed(0)} req/s, p99 ${result.latency.p99} µs${cpuShown}`,
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

async function memoryRuns(specs: readonly ServerSpec[], plan: BenchPlan): Promise<MemoryFigure[]> {
  const memory: { server: string; connections: number; bytesPerConnection: number[] }[] = []
  const nodeServers = specs.filter((s) => s.kind === 'wirekit' || s.kind === 'raw')
  for (let round = 1; round <= plan.rounds; round++) {
    for (const spec of nodeServers) {
      const server = await startServer(spec)
      try {
        const cost = await idleConnectionCost(server.pid, server.port, plan.idle)
        log(
          `${spec.name.padEnd(24)} ${plan.idle} idle connections: ${cost.bytesPerConnection.toFixed(0)} B each`,
        )
        let entry = memory.find((m) => m.server === spec.name)
        if (entry === undefined) {
          entry = { server: spec.name, connections: plan.idle, bytesPerConnection: [] }
          memory.push(entry)
        }
        entry.bytesPerConnection.push(cost.bytesPerConnection)
      } finally {
        await server.stop()
      }
    }
  }
  return memory
}

async function run(plan: BenchPlan, command: string): Promise<BenchResults> {
  const nodes = plan.nodes.map((wanted) => resolveNode(wanted, undefined, log))
  const { specs, notes } = comparisonServers({ nodes, python: choosePython(), c: buildCServer() })
  for (const note of notes) {
    log(`note: ${note}`)
  }
  const series = await throughputRuns(specs, plan)
  const memory = await memoryRuns(specs, plan)
  const { rounds, duration, warmup, sizes, connections, threads, idle } = plan
  return {
    date: new Date().toISOString().slice(0, 10),
    command,
    plan: { rounds, duration, warmup, sizes, connections, threads, idle },
    environment: environment(),
    servers: specs.map(({ name, kind, runtime, node }) => ({
      name,
      kind,
      runtime,
      ...(node === undefined ? {} : { node }),
    })),
    notes,
    series,
    memory,
  }
}

await runCli(BENCH_USAGE, async () => {
  const plan = parsePlan(process.argv.slice(2), docs)
  if (plan.help) {
    process.stdout.write(BENCH_USAGE)
    return EXIT.ok
  }
  const args = process.argv.slice(2).filter((a) => a !== '--')
  const results =
    plan.from === undefined
      ? await run(plan, `pnpm bench${args.length === 0 ? '' : ` -- ${args.join(' ')}`}`)
      : (JSON.parse(readFileSync(plan.from, 'utf8')) as BenchResults)
  const report = renderReport(results)
  process.stdout.write(report)
  if (plan.out !== undefined) {
    const resultsFile = join(plan.out, 'benchmarks', 'results.json')
    const reportFile = join(plan.out, 'benchmarks.md')
    const chartFile = join(plan.out, 'benchmarks.svg')
    mkdirSync(plan.out, { recursive: true })
    if (plan.from === undefined) {
      mkdirSync(dirname(resultsFile), { recursive: true })
      writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`)
    }
    writeFileSync(reportFile, report)
    writeFileSync(chartFile, drawChart(results))
    log(
      `wrote ${reportFile} and ${chartFile}${plan.from === undefined ? ` and ${resultsFile}` : ''}`,
    )
  }
  return EXIT.ok
})
