import {
  cpuPerRequest,
  idleBytes,
  latency,
  overlap,
  requestsPerSecond,
  type Spread,
} from './figures.ts'
import { micros, sizeLabel, times, whole } from './format.ts'
import { rawOnSameNode, serverOfKind, serversOf, type BenchResults } from './results.ts'
import type { ServerInfo } from './servers.ts'

/** One target of the performance issues, judged on one run's own figures. */
export interface Verdict {
  /** The wirekit server judged. */
  readonly server: string
  readonly target: string
  /** The ratio and the figures behind it, or why there is none. */
  readonly measured: string
  /** `undefined` when the run did not measure what the target needs. */
  readonly met: boolean | undefined
  readonly note: string
}

/** How a figure is written in the measured column. */
const UNITS = {
  'req/s': (value: number) => `${whole(value)} req/s`,
  cpu: (value: number) => `${micros(value)} µs`,
  latency: (value: number) => `${whole(value)} µs`,
}

/**
 * `value / versus` against a limit. `atMost` targets (CPU, latency) are met at or below the
 * limit, the others at or above it.
 */
function judge(
  server: string,
  target: string,
  value: Spread | undefined,
  versus: Spread | undefined,
  missing: string,
  limit: number,
  atMost: boolean,
  unit: keyof typeof UNITS,
): Verdict {
  if (value === undefined || versus === undefined) {
    return { server, target, measured: 'not measured', met: undefined, note: missing }
  }
  const ratio = value.median / versus.median
  // Judged as shown, to two decimals: a ratio printed 1.10x meets "within 1.1x".
  const judged = Number(ratio.toFixed(2))
  const shown = UNITS[unit]
  return {
    server,
    target,
    measured: `${times(ratio)} (${shown(value.median)} vs ${shown(versus.median)})`,
    met: atMost ? judged <= limit : judged >= limit,
    note: overlap(value, versus) ? 'the min-max ranges overlap' : '',
  }
}

const missingIn = (what: string): string => `no ${what} in this run`

function forServer(results: BenchResults, wirekit: ServerInfo): Verdict[] {
  const name = wirekit.name
  const uvloop = serverOfKind(results, 'uvloop')
  const c = serverOfKind(results, 'c')
  const asyncio = serverOfKind(results, 'asyncio')
  const raw = rawOnSameNode(results, wirekit)
  const { sizes } = results.plan
  const cpu = (server: ServerInfo | undefined, size: number): Spread | undefined =>
    server && cpuPerRequest(results, server.name, size)?.total
  const rps = (server: ServerInfo | undefined, size: number): Spread | undefined =>
    server && requestsPerSecond(results, server.name, size)
  const peers: [target: string, name: string, server: ServerInfo | undefined][] = [
    ["uvloop's", 'uvloop', uvloop],
    ["raw node:net's (same Node)", 'raw node:net', raw],
    ["asyncio's", 'asyncio', asyncio],
  ]
  const verdicts: Verdict[] = [
    ...sizes.map((size) =>
      judge(
        name,
        `CPU per request at or below uvloop's at ${sizeLabel(size)}`,
        cpu(wirekit, size),
        cpu(uvloop, size),
        missingIn(uvloop === undefined ? 'uvloop' : 'CPU figures'),
        1,
        true,
        'cpu',
      ),
    ),
    ...sizes.map((size) =>
      judge(
        name,
        `CPU per request within 1.1x C's at ${sizeLabel(size)}`,
        cpu(wirekit, size),
        cpu(c, size),
        missingIn(c === undefined ? 'C server' : 'CPU figures'),
        1.1,
        true,
        'cpu',
      ),
    ),
    ...peers.flatMap(([label, peer, versus]) =>
      sizes.map((size) =>
        judge(
          name,
          `req/s at least 1.0x ${label} at ${sizeLabel(size)}`,
          rps(wirekit, size),
          rps(versus, size),
          missingIn(peer),
          1,
          false,
          'req/s',
        ),
      ),
    ),
  ]
  if (sizes.includes(1024)) {
    const p99 = (server: ServerInfo | undefined): Spread | undefined => {
      const value = server && latency(results, server.name, 1024, 'p99')
      return value === undefined ? undefined : { median: value, min: value, max: value }
    }
    const verdict = judge(
      name,
      "p99 latency at 1 KiB within 1.1x raw node:net's (same Node)",
      p99(wirekit),
      p99(raw),
      missingIn('raw node:net'),
      1.1,
      true,
      'latency',
    )
    verdicts.push({ ...verdict, note: '' }) // one median each: no range to compare
  }
  const memory = idleBytes(results, name)
  const rawMemory = raw && idleBytes(results, raw.name)
  if (memory !== undefined) {
    const extra = rawMemory === undefined ? undefined : memory.median - rawMemory.median
    verdicts.push({
      server: name,
      target: "memory per idle connection within raw node:net's (same Node) + 1 KiB",
      measured: extra === undefined ? 'not measured' : `${extra >= 0 ? '+' : ''}${whole(extra)} B`,
      met: extra === undefined ? undefined : extra <= 1024,
      note: rawMemory === undefined ? missingIn('raw node:net memory figure') : '',
    })
  }
  return verdicts
}

/**
 * Every target of the performance issues, for every wirekit server of the run (one per Node
 * line), computed from the run's own figures: wirekit's CPU per request at or below uvloop's and
 * within 1.1x C's, requests/s at least uvloop's, raw node:net's and asyncio's, p99 at 1 KiB within
 * 1.1x raw node:net's, and idle memory within raw node:net's + 1 KiB.
 */
export function verdicts(results: BenchResults): Verdict[] {
  return serversOf(results)
    .filter((server) => server.kind === 'wirekit')
    .flatMap((server) => forServer(results, server))
}

/** The targets section of the report: one summary line per wirekit server, then the table. */
export function targetsSection(results: BenchResults): string {
  const all = verdicts(results)
  const summaries = [...new Set(all.map((v) => v.server))].map((server) => {
    const judged = all.filter((v) => v.server === server && v.met !== undefined)
    const missed = judged.filter((v) => v.met === false)
    const list = missed.map((v) => `${v.target} (${v.measured.split(' ')[0] ?? ''})`).join('; ')
    return `- **${server}** met ${judged.length - missed.length} of the ${judged.length} targets this run measured${missed.length === 0 ? '.' : `; missed: ${list}.`}`
  })
  const rows = all.map(
    (v) =>
      `| ${v.server} | ${v.target} | ${v.measured} | ${v.met === undefined ? 'n/a' : v.met ? 'yes' : '**no**'} | ${v.note} |`,
  )
  return [
    ...summaries,
    '',
    '| server | target | measured | met | note |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n')
}
