#!/usr/bin/env node
/**
 * `pnpm bench`: the comparison behind docs/benchmarks.md. Every server runs at every size, round
 * by round (A B C D A B C D ...), each run against a fresh server process, with the load generator
 * in a process of its own measuring the server's CPU time too; then the memory of idle
 * connections, wirekit against raw node:net on each Node line; then the other comparisons (Unix
 * sockets, TLS, UDP, several cores, the PROXY header) the same way. The report and the chart are
 * drawn from the results alone.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, release, tmpdir, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { EXIT, runCli } from '@wirekit/app-support'
import { BENCH_USAGE, parsePlan, type BenchPlan } from './bench-args.ts'
import { buildCServer } from './c-server.ts'
import { drawChart } from './chart-svg.ts'
import { comparisonServers } from './comparison-servers.ts'
import { probeEchoServer, WORKSPACE_ECHO_SERVER } from './echo-server-features.ts'
import { idleConnectionCost } from './idle-memory.ts'
import { resolveNode } from './node-binary.ts'
import { clockTicksPerSecond } from './process-cpu.ts'
import { choosePython } from './python.ts'
import { renderReport } from './report-markdown.ts'
import type { BenchResults, Environment, MemoryFigure, SectionResults } from './results.ts'
import { runSeries } from './runs.ts'
import { proxyServers, workerServers } from './scale-out-servers.ts'
import {
  datagramServers,
  tlsServers,
  unixServers,
  type SectionServers,
  type SectionTools,
} from './section-servers.ts'
import { sectionSizes, type ExtraSectionId } from './sections.ts'
import { startServer, type ServerInfo, type ServerSpec } from './servers.ts'

const docs = fileURLToPath(new URL('../../../docs/', import.meta.url))
const log = (line: string): void => void process.stderr.write(`${line}\n`)

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

/** What each comparison besides plain TCP runs, and how its log lines and figures read. */
const SECTIONS: Record<
  ExtraSectionId,
  { readonly servers: (tools: SectionTools) => SectionServers; readonly unit: string }
> = {
  unix: { servers: unixServers, unit: 'req' },
  tls: { servers: tlsServers, unit: 'req' },
  udp: { servers: datagramServers, unit: 'datagrams' },
  workers: { servers: workerServers, unit: 'req' },
  proxy: { servers: proxyServers, unit: 'connections' },
}

async function sectionRuns(
  plan: BenchPlan,
  tools: SectionTools,
  ids: readonly ExtraSectionId[],
): Promise<SectionResults[]> {
  const sections: SectionResults[] = []
  for (const id of ids) {
    const { specs, notes } = SECTIONS[id].servers(tools)
    for (const note of notes) {
      log(`note: ${note}`)
    }
    const sizes = specs.length === 0 ? [] : sectionSizes(id, plan)
    const label = { prefix: `${id}: `, unit: SECTIONS[id].unit }
    sections.push({
      id,
      servers: specs.map(serverInfo),
      sizes,
      series: await runSeries(specs, sizes, plan, log, label),
      notes,
    })
  }
  return sections
}

/** What the results keep of a server: what it is, not how it was started. */
function serverInfo({
  command: _c,
  args: _a,
  unixPath: _u,
  load: _l,
  ...info
}: ServerSpec): ServerInfo {
  return info
}

async function run(plan: BenchPlan, command: string): Promise<BenchResults> {
  const echoServer = probeEchoServer(plan.echoServer ?? WORKSPACE_ECHO_SERVER)
  const python = choosePython()
  const tcp = plan.sections.includes('tcp')
  const nodes = tcp ? plan.nodes.map((wanted) => resolveNode(wanted, undefined, log)) : []
  const { specs, notes } = tcp
    ? comparisonServers({ echoServer: echoServer.path, nodes, python, c: buildCServer() })
    : { specs: [], notes: [] }
  for (const note of notes) {
    log(`note: ${note}`)
  }
  const series = await runSeries(specs, plan.sizes, plan, log)
  const memory = await memoryRuns(specs, plan)
  const unixDirectory = mkdtempSync(join(tmpdir(), 'wirekit-bench-'))
  let sections: SectionResults[]
  try {
    const extra = plan.sections.filter((id): id is ExtraSectionId => id !== 'tcp')
    sections = await sectionRuns(plan, { echoServer, python, unixDirectory }, extra)
  } finally {
    rmSync(unixDirectory, { recursive: true, force: true })
  }
  const { rounds, duration, warmup, sizes, connections, threads, idle, datagramSizes } = plan
  return {
    date: new Date().toISOString().slice(0, 10),
    command,
    plan: {
      rounds,
      duration,
      warmup,
      sizes,
      connections,
      threads,
      idle,
      sections: plan.sections,
      datagramSizes,
    },
    environment: environment(),
    servers: specs.map(serverInfo),
    notes,
    series,
    memory,
    sections,
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
    const written = [join(plan.out, 'benchmarks.md')]
    mkdirSync(plan.out, { recursive: true })
    writeFileSync(join(plan.out, 'benchmarks.md'), report)
    // The chart draws the plain TCP comparison: a run without it leaves the chart alone.
    if (results.plan.sections?.includes('tcp') ?? true) {
      written.push(join(plan.out, 'benchmarks.svg'))
      writeFileSync(join(plan.out, 'benchmarks.svg'), drawChart(results))
    }
    if (plan.from === undefined) {
      const resultsFile = join(plan.out, 'benchmarks', 'results.json')
      mkdirSync(dirname(resultsFile), { recursive: true })
      writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`)
      written.push(resultsFile)
    }
    log(`wrote ${written.join(', ')}`)
  }
  return EXIT.ok
})
