import type { BenchResults, Series } from './results.ts'

/** Runs to take figures from: a whole run's plain TCP comparison, or one of its other sections. */
export interface Measured {
  readonly series: readonly Series[]
}

/** The median of some runs and their range. */
export interface Spread {
  readonly median: number
  readonly min: number
  readonly max: number
}

/** A server's CPU time per request at one size, in microseconds (medians over the runs). */
export interface CpuFigure {
  readonly user: number
  readonly system: number
  /** User plus system, run by run. */
  readonly total: Spread
}

/** The median of some numbers (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2
}

/** Median, min and max, or `undefined` for no values. */
export function spreadOf(values: readonly number[]): Spread | undefined {
  return values.length === 0
    ? undefined
    : { median: median(values), min: Math.min(...values), max: Math.max(...values) }
}

/** Whether two ranges share any value: a ratio of their medians is then within the noise. */
export function overlap(a: Spread, b: Spread): boolean {
  return a.min <= b.max && b.min <= a.max
}

function runsOf(results: Measured, server: string, size: number) {
  return results.series.find((s) => s.server === server && s.size === size)?.runs ?? []
}

/** Requests per second of a server at a size. */
export function requestsPerSecond(
  results: Measured,
  server: string,
  size: number,
): Spread | undefined {
  return spreadOf(runsOf(results, server, size).map((run) => run.requestsPerSecond))
}

/** The server's own CPU time per request, when the run measured it. */
export function cpuPerRequest(
  results: Measured,
  server: string,
  size: number,
): CpuFigure | undefined {
  const cpu = runsOf(results, server, size).flatMap((run) =>
    run.serverCpu === undefined ? [] : [run.serverCpu],
  )
  const total = spreadOf(cpu.map((c) => c.userMicrosPerRequest + c.systemMicrosPerRequest))
  return total === undefined
    ? undefined
    : {
        user: median(cpu.map((c) => c.userMicrosPerRequest)),
        system: median(cpu.map((c) => c.systemMicrosPerRequest)),
        total,
      }
}

/** A latency percentile (µs) of a server at a size, the median over the runs. */
export function latency(
  results: Measured,
  server: string,
  size: number,
  key: 'p50' | 'p90' | 'p99' | 'max',
): number | undefined {
  const runs = runsOf(results, server, size)
  return runs.length === 0 ? undefined : median(runs.map((run) => run.latency[key]))
}

/** Bytes of resident memory per idle connection, the median over the rounds. */
export function idleBytes(results: BenchResults, server: string): Spread | undefined {
  return spreadOf(results.memory.find((m) => m.server === server)?.bytesPerConnection ?? [])
}
