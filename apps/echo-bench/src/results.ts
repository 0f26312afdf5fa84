import type { LoadResult } from './load-options.ts'
import type { ExtraSectionId, SectionId } from './sections.ts'
import type { ServerInfo, ServerKind } from './servers.ts'

/** Every run of one server at one size. */
export interface Series {
  readonly server: string
  readonly size: number
  readonly runs: readonly LoadResult[]
}

/** The idle-connection memory of one server, one figure per round. */
export interface MemoryFigure {
  readonly server: string
  readonly connections: number
  readonly bytesPerConnection: readonly number[]
}

/** How a comparison was run. */
export interface RunPlan {
  readonly rounds: number
  readonly duration: number
  readonly warmup: number
  readonly sizes: readonly number[]
  readonly connections: number
  readonly threads: number
  readonly idle: number
  /** The comparisons run (files written before there were others: plain TCP alone). */
  readonly sections?: readonly SectionId[]
  /** Datagram sizes of the UDP comparison. */
  readonly datagramSizes?: readonly number[]
}

/**
 * One comparison besides plain TCP: its servers in the order they alternated (none when it was
 * skipped), the sizes it measured, every run, and what was left out or stood in.
 */
export interface SectionResults {
  readonly id: ExtraSectionId
  readonly servers: readonly ServerInfo[]
  readonly sizes: readonly number[]
  readonly series: readonly Series[]
  readonly notes: readonly string[]
}

/** The machine a comparison ran on. */
export interface Environment {
  readonly cpu: string
  readonly cores: number
  readonly memoryGiB: number
  /** `uname -r` */
  readonly kernel: string
  /** The Node.js that ran the load generator (`v20.20.2`). */
  readonly generator: string
  readonly clockTicksPerSecond: number
}

/**
 * Everything one `pnpm bench` run measured: `docs/benchmarks/results.json`, from which the
 * report and the chart are drawn. `series` and `memory` are the plain TCP comparison (empty when
 * the run left it out), `sections` the others. Files written before the CPU figures and the C
 * server have no `date`, `command`, `environment`, `servers` or `notes`, and no `serverCpu` in
 * their runs; files written before the other comparisons have no `sections`.
 */
export interface BenchResults {
  readonly date?: string
  readonly command?: string
  readonly plan: RunPlan
  readonly environment?: Environment
  readonly servers?: readonly ServerInfo[]
  readonly notes?: readonly string[]
  readonly series: readonly Series[]
  readonly memory: readonly MemoryFigure[]
  /** The other comparisons of the run, in the order they ran. */
  readonly sections?: readonly SectionResults[]
}

const OLDER_NAMES: Record<string, ServerKind> = {
  wirekit: 'wirekit',
  'raw node:net': 'raw',
  asyncio: 'asyncio',
  uvloop: 'uvloop',
}

/** The servers of a run in the order they alternated (for older files: as their series come). */
export function serversOf(results: BenchResults): readonly ServerInfo[] {
  if (results.servers !== undefined) {
    return results.servers
  }
  const names = [...new Set(results.series.map((s) => s.server))]
  return names.map((name) => ({
    name,
    kind: OLDER_NAMES[name] ?? 'wirekit',
    runtime: 'not recorded',
  }))
}

/** The one server of a kind (uvloop, C, asyncio), if the run had it. */
export function serverOfKind(results: BenchResults, kind: ServerKind): ServerInfo | undefined {
  return serversOf(results).find((s) => s.kind === kind)
}

/** The raw node:net server on the same Node as `server`: the baseline for a Node server. */
export function rawOnSameNode(results: BenchResults, server: ServerInfo): ServerInfo | undefined {
  return serversOf(results).find((s) => s.kind === 'raw' && s.node === server.node)
}
