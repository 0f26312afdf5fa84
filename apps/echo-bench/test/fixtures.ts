import type { LoadResult } from '../src/load-options.ts'
import type { BenchResults, SectionResults, Series } from '../src/results.ts'
import type { ServerInfo } from '../src/servers.ts'

/** The figures of one server at one size: three rounds spread evenly around each median. */
export interface Figures {
  readonly rps: number
  /** Half the min-max range of the rounds, as a share of the median (0.02 = ±2 %). */
  readonly spread?: number
  /** CPU per request in µs, user and system. */
  readonly cpu?: readonly [user: number, system: number]
  readonly p99?: number
}

export const SERVERS: readonly ServerInfo[] = [
  { name: 'wirekit', kind: 'wirekit', runtime: 'Node.js v20.20.2', node: 'v20.20.2' },
  { name: 'raw node:net', kind: 'raw', runtime: 'Node.js v20.20.2', node: 'v20.20.2' },
  { name: 'wirekit (Node 24)', kind: 'wirekit', runtime: 'Node.js v24.21.0', node: 'v24.21.0' },
  { name: 'raw node:net (Node 24)', kind: 'raw', runtime: 'Node.js v24.21.0', node: 'v24.21.0' },
  { name: 'asyncio', kind: 'asyncio', runtime: 'Python 3.11.2 (/usr/bin/python3)' },
  { name: 'uvloop', kind: 'uvloop', runtime: 'Python 3.11.2 (/usr/bin/python3), uvloop 0.17.0' },
  { name: 'C epoll', kind: 'c', runtime: 'cc 12.2.0, -O2' },
]

function run(figures: Figures, factor: number, size: number): LoadResult {
  const rps = figures.rps * factor
  const p99 = figures.p99 ?? 200
  return {
    requests: Math.round(rps * 10),
    seconds: 10,
    requestsPerSecond: rps,
    mibPerSecond: (rps * size) / 2 ** 20,
    latency: { p50: p99 / 2, p90: p99 / 1.5, p99, max: p99 * 10 },
    generatorCpu: 0.9,
    ...(figures.cpu === undefined
      ? {}
      : {
          serverCpu: {
            userSeconds: 1,
            systemSeconds: 1,
            userMicrosPerRequest: figures.cpu[0] / factor,
            systemMicrosPerRequest: figures.cpu[1] / factor,
          },
        }),
  }
}

/**
 * A run of the given servers, with figures per server name and size; three rounds each, the
 * median round carrying the figures exactly.
 */
export function resultsOf(
  figures: Record<string, Record<number, Figures>>,
  servers: readonly ServerInfo[] = SERVERS,
  memory: BenchResults['memory'] = [],
): BenchResults {
  const sizes = [...new Set(Object.values(figures).flatMap((bySize) => Object.keys(bySize)))]
    .map(Number)
    .sort((a, b) => a - b)
  const series: Series[] = Object.entries(figures).flatMap(([server, bySize]) =>
    Object.entries(bySize).map(([size, f]) => ({
      server,
      size: Number(size),
      runs: [1 - (f.spread ?? 0.02), 1, 1 + (f.spread ?? 0.02)].map((factor) =>
        run(f, factor, Number(size)),
      ),
    })),
  )
  return {
    date: '2026-11-26',
    command: 'pnpm bench',
    plan: { rounds: 3, duration: 10, warmup: 1, sizes, connections: 10, threads: 1, idle: 10000 },
    servers: servers.filter((s) => s.name in figures),
    notes: [],
    series,
    memory,
  }
}

/** Figures shaped like issue 15's measurements, for every server of {@link SERVERS}. */
export const ISSUE_15: Record<string, Record<number, Figures>> = {
  wirekit: {
    1024: { rps: 114_700, cpu: [7.4, 1.8] },
    10240: { rps: 96_100, cpu: [9.1, 3.2] },
    102400: { rps: 26_600, cpu: [22, 13] },
  },
  'raw node:net': {
    1024: { rps: 103_700, cpu: [7.6, 2.0] },
    10240: { rps: 70_700, cpu: [12, 4] },
    102400: { rps: 14_900, cpu: [38, 18] },
  },
  'wirekit (Node 24)': {
    1024: { rps: 120_000, cpu: [7.0, 1.8] },
    10240: { rps: 99_000, cpu: [8.8, 3.2] },
    102400: { rps: 27_000, cpu: [21, 13] },
  },
  'raw node:net (Node 24)': {
    1024: { rps: 105_000, cpu: [7.4, 2.0] },
    10240: { rps: 72_000, cpu: [11, 4] },
    102400: { rps: 15_500, cpu: [36, 18] },
  },
  asyncio: {
    1024: { rps: 38_000, cpu: [14, 9] },
    10240: { rps: 30_300, cpu: [17, 11] },
    102400: { rps: 9_400, cpu: [50, 40] },
  },
  uvloop: {
    1024: { rps: 135_100, cpu: [5.2, 1.9] },
    10240: { rps: 100_200, cpu: [6.5, 2.8] },
    102400: { rps: 25_700, cpu: [17, 11] },
  },
  'C epoll': {
    1024: { rps: 130_000, cpu: [4.5, 2.1] },
    10240: { rps: 108_900, cpu: [5.6, 2.9] },
    102400: { rps: 35_800, cpu: [13, 11] },
  },
}

/**
 * One comparison besides plain TCP, with figures per server name and size as {@link resultsOf}
 * makes them; `each` may add to every run (negotiated TLS, datagram counts).
 */
export function sectionOf(
  id: SectionResults['id'],
  servers: readonly ServerInfo[],
  figures: Record<string, Record<number, Figures>>,
  each: (run: LoadResult) => LoadResult = (run) => run,
): SectionResults {
  const { series, plan } = resultsOf(figures, servers)
  return {
    id,
    servers,
    sizes: plan.sizes,
    series: series.map((s) => ({ ...s, runs: s.runs.map(each) })),
    notes: [],
  }
}
