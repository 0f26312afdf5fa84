#!/usr/bin/env node
/**
 * `pnpm bench`: the comparison behind docs/benchmarks.md. Every server runs at every size, round
 * by round (A B C D A B C D ...), each run against a fresh server process, with the load generator
 * in a process of its own; then the memory of idle connections, wirekit against raw node:net.
 */
import { execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { EXIT, runCli } from '@wirekit/app-support'
import { BENCH_USAGE, parsePlan, type BenchPlan } from './bench-args.ts'
import { idleConnectionCost } from './idle-memory.ts'
import type { LoadResult } from './load-options.ts'
import { latencyTable, targets, throughputTable, type MemoryFigure, type Series } from './report.ts'
import { serverSpecs, startServer, type ServerSpec } from './servers.ts'
import { unixServerSpecs } from './unix-servers.ts'

const generator = fileURLToPath(new URL('./main.js', import.meta.url))
const docs = fileURLToPath(new URL('../../../docs/', import.meta.url))

async function measure(spec: ServerSpec, size: number, plan: BenchPlan): Promise<LoadResult> {
  const server = await startServer(spec)
  try {
    const args = [
      generator,
      ...server.target,
      '--size',
      String(size),
      '--json',
      '--connections',
      String(plan.connections),
      '--threads',
      String(plan.threads),
      '--duration',
      String(plan.duration),
      '--warmup',
      String(plan.warmup),
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

/** The findings written by hand next to the figures (profiles, reasons), when there are any. */
function handWrittenNotes(): string {
  try {
    return readFileSync(`${docs}benchmarks/notes.md`, 'utf8')
  } catch {
    return ''
  }
}

function machine(): string[] {
  const model =
    /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU'
  const version = (command: string, args: string[]): string => {
    try {
      return execFileSync(command, args, {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }).trim()
    } catch {
      return 'not available'
    }
  }
  return [
    `- CPU: ${model}, ${cpus().length} cores; memory ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
    `- Node.js ${process.version}; ${version('python3', ['--version'])} (asyncio)`,
    `- uvloop: ${version('/usr/bin/python3', ['-c', 'import sys, uvloop; print(sys.version.split()[0], "uvloop", uvloop.__version__)'])}`,
  ]
}

await runCli(BENCH_USAGE, async () => {
  const plan = parsePlan(process.argv.slice(2))
  if (plan.help) {
    process.stdout.write(BENCH_USAGE)
    return EXIT.ok
  }
  const unix = plan.transport === 'unix'
  const socketDirectory = unix ? mkdtempSync(join(tmpdir(), 'wirekit-bench-')) : undefined
  process.on('exit', () => {
    if (socketDirectory !== undefined) {
      rmSync(socketDirectory, { recursive: true, force: true })
    }
  })
  const { specs, notes } =
    socketDirectory === undefined ? serverSpecs() : unixServerSpecs(socketDirectory)
  for (const note of notes) {
    process.stderr.write(`note: ${note}\n`)
  }
  const series: Series[] = []
  for (const size of plan.sizes) {
    for (let round = 1; round <= plan.rounds; round++) {
      for (const spec of specs) {
        const result = await measure(spec, size, plan)
        process.stderr.write(
          `${spec.name.padEnd(13)} ${String(size).padStart(6)} B  round ${round}: ${result.requestsPerSecond.toFixed(0)} req/s, p99 ${result.latency.p99} µs\n`,
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
  const memory: MemoryFigure[] = []
  // The idle-memory figure is TCP's: it connects by port.
  for (let round = 1; !unix && round <= plan.rounds; round++) {
    for (const spec of specs.filter((s) => s.name === 'wirekit' || s.name === 'raw node:net')) {
      const server = await startServer(spec)
      try {
        const cost = await idleConnectionCost(server.pid, server.port, plan.idle)
        process.stderr.write(
          `${spec.name.padEnd(13)} ${plan.idle} idle connections: ${cost.bytesPerConnection.toFixed(0)} B each\n`,
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
  const servers = specs.map((s) => s.name)
  const command = `pnpm bench -- ${process.argv
    .slice(2)
    .filter((a) => a !== '--')
    .join(' ')}`.trimEnd()
  const memoryRows = memory.map(
    (m) =>
      `| ${m.server} | ${m.connections} | ${m.bytesPerConnection.map((b) => b.toFixed(0)).join(', ')} |`,
  )
  const report = [
    unix ? '# Benchmarks over Unix domain sockets' : '# Benchmarks',
    '',
    `Measured on ${new Date().toISOString().slice(0, 10)} with \`${command}\` (${plan.rounds} rounds, ${plan.duration} s per run after ${plan.warmup} s of warm-up, ${plan.connections} connections, load generator in its own process with ${plan.threads} thread${plan.threads === 1 ? '' : 's'}; servers alternate round by round, a fresh process per run).`,
    'Load generator and server share the machine, as in the issue that set the targets: ratios measured side by side are the figure, not the absolute numbers.',
    '',
    '## Machine',
    '',
    ...machine(),
    ...notes.map((note) => `- ${note}`),
    '',
    '## Requests per second (median, min-max) and ratios to raw node:net',
    '',
    throughputTable(series, servers, plan.sizes),
    '',
    '## Latency (median of the runs)',
    '',
    latencyTable(series, servers, plan.sizes),
    '',
    "## Memory of idle connections (growth of the server's VmRSS, per connection, each round)",
    '',
    '| server | connections | bytes per connection |',
    '| --- | --- | --- |',
    ...memoryRows,
    '',
    '## Targets',
    '',
    targets(series, memory, plan.sizes),
    '',
    // The notes are about the TCP figures.
    unix ? '' : handWrittenNotes(),
  ].join('\n')
  process.stdout.write(report)
  if (plan.write) {
    mkdirSync(`${docs}benchmarks`, { recursive: true })
    const suffix = unix ? '-unix' : ''
    writeFileSync(`${docs}benchmarks${suffix}.md`, report)
    writeFileSync(
      `${docs}benchmarks/results${suffix}.json`,
      `${JSON.stringify({ plan, series, memory }, null, 2)}\n`,
    )
    process.stderr.write(
      `wrote ${docs}benchmarks${suffix}.md and ${docs}benchmarks/results${suffix}.json\n`,
    )
  }
  return EXIT.ok
})
