import type { LoadResult } from './load-options.ts'

/** Every run of one server at one size. */
export interface Series {
  readonly server: string
  readonly size: number
  readonly runs: LoadResult[]
}

/** The idle-connection memory of one server. */
export interface MemoryFigure {
  readonly server: string
  readonly connections: number
  readonly bytesPerConnection: number[]
}

/** The median of some numbers (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2
}

const kib = (size: number): string => (size % 1024 === 0 ? `${size / 1024} KiB` : `${size} B`)
const fixed = (value: number): string => value.toFixed(0)
const ratio = (value: number): string => `${value.toFixed(2)}x`

function find(series: readonly Series[], server: string, size: number): Series | undefined {
  return series.find((s) => s.server === server && s.size === size)
}

function rps(series: Series | undefined): number {
  return series === undefined ? Number.NaN : median(series.runs.map((run) => run.requestsPerSecond))
}

/** The throughput table: medians with min-max, and ratios to the raw baseline. */
export function throughputTable(
  series: readonly Series[],
  servers: readonly string[],
  sizes: readonly number[],
): string {
  const lines = [
    `| size | ${servers.map((s) => `${s} req/s (min-max)`).join(' | ')} | ${servers
      .filter((s) => s !== 'raw node:net')
      .map((s) => `${s} / raw`)
      .join(' | ')} |`,
  ]
  lines.push(`|${' --- |'.repeat(1 + servers.length * 2 - 1)}`)
  for (const size of sizes) {
    const cells = servers.map((server) => {
      const runs = find(series, server, size)?.runs.map((run) => run.requestsPerSecond) ?? []
      return runs.length === 0
        ? 'n/a'
        : `${fixed(median(runs))} (${fixed(Math.min(...runs))}-${fixed(Math.max(...runs))})`
    })
    const raw = rps(find(series, 'raw node:net', size))
    const ratios = servers
      .filter((s) => s !== 'raw node:net')
      .map((server) => ratio(rps(find(series, server, size)) / raw))
    lines.push(`| ${kib(size)} | ${cells.join(' | ')} | ${ratios.join(' | ')} |`)
  }
  return lines.join('\n')
}

/** The latency table: median p50/p99/max per server and size, in microseconds. */
export function latencyTable(
  series: readonly Series[],
  servers: readonly string[],
  sizes: readonly number[],
): string {
  const lines = [
    '| size | server | p50 µs | p90 µs | p99 µs | max µs |',
    '| --- | --- | --- | --- | --- | --- |',
  ]
  for (const size of sizes) {
    for (const server of servers) {
      const runs = find(series, server, size)?.runs
      if (runs === undefined) {
        continue
      }
      const pick = (key: 'p50' | 'p90' | 'p99' | 'max'): string =>
        fixed(median(runs.map((run) => run.latency[key])))
      lines.push(
        `| ${kib(size)} | ${server} | ${pick('p50')} | ${pick('p90')} | ${pick('p99')} | ${pick('max')} |`,
      )
    }
  }
  return lines.join('\n')
}

/** The targets of the performance issue, each met or not, with the measured figure. */
export function targets(
  series: readonly Series[],
  memory: readonly MemoryFigure[],
  sizes: readonly number[],
): string {
  const rows: string[] = ['| target | measured | met |', '| --- | --- | --- |']
  const row = (target: string, measured: string, met: boolean): void => {
    rows.push(`| ${target} | ${measured} | ${met ? 'yes' : '**no**'} |`)
  }
  for (const versus of ['raw node:net', 'asyncio', 'uvloop']) {
    for (const size of sizes) {
      const other = rps(find(series, versus, size))
      if (Number.isNaN(other)) {
        continue
      }
      const value = rps(find(series, 'wirekit', size)) / other
      row(`wirekit req/s >= 1.0x ${versus} at ${kib(size)}`, ratio(value), value >= 1)
    }
  }
  const p99 = (server: string): number =>
    median(find(series, server, 1024)?.runs.map((run) => run.latency.p99) ?? [])
  if (sizes.includes(1024)) {
    const value = p99('wirekit') / p99('raw node:net')
    row('wirekit p99 latency at 1 KiB within 1.1x raw node:net', ratio(value), value <= 1.1)
  }
  const perConnection = (server: string): number =>
    median(memory.find((m) => m.server === server)?.bytesPerConnection ?? [])
  const extra = perConnection('wirekit') - perConnection('raw node:net')
  if (!Number.isNaN(extra)) {
    row(
      'memory per idle connection within raw node:net + 1 KiB',
      `${extra >= 0 ? '+' : ''}${fixed(extra)} B`,
      extra <= 1024,
    )
  }
  return rows.join('\n')
}
