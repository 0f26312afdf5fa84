import { cpuPerRequest, idleBytes, latency, requestsPerSecond, type Spread } from './figures.ts'
import { micros, sizeLabel, times, whole } from './format.ts'
import { rawOnSameNode, serverOfKind, serversOf, type BenchResults } from './results.ts'
import type { ServerInfo } from './servers.ts'

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [header, header.map(() => '---'), ...rows]
    .map((row) => `| ${row.join(' | ')} |`)
    .join('\n')
}

/** `a / b` of two medians, or `n/a` when either is missing (or when they are the same server). */
function ratio(value: Spread | undefined, versus: Spread | undefined, same: boolean): string {
  return value === undefined || versus === undefined || same
    ? 'n/a'
    : times(value.median / versus.median)
}

/** Requests per second: median and range of every server at every size, with ratios. */
export function throughputTable(results: BenchResults): string {
  const uvloop = serverOfKind(results, 'uvloop')
  const c = serverOfKind(results, 'c')
  const rows = results.plan.sizes.flatMap((size) =>
    serversOf(results).flatMap((server) => {
      const own = requestsPerSecond(results, server.name, size)
      if (own === undefined) {
        return []
      }
      const of = (other: ServerInfo | undefined): string =>
        ratio(
          own,
          other && requestsPerSecond(results, other.name, size),
          other?.name === server.name,
        )
      const raw = server.kind === 'wirekit' ? rawOnSameNode(results, server) : undefined
      return [
        [
          sizeLabel(size),
          server.name,
          whole(own.median),
          `${whole(own.min)}-${whole(own.max)}`,
          of(raw),
          of(uvloop),
          of(c),
        ],
      ]
    }),
  )
  return table(
    [
      'size',
      'server',
      'req/s (median)',
      'min-max',
      '/ raw node:net (same Node)',
      '/ uvloop',
      '/ C',
    ],
    rows,
  )
}

/** The server's own CPU time per request, user and system apart, with ratios to uvloop and C. */
export function cpuTable(results: BenchResults): string {
  const uvloop = serverOfKind(results, 'uvloop')
  const c = serverOfKind(results, 'c')
  const rows = results.plan.sizes.flatMap((size) =>
    serversOf(results).flatMap((server) => {
      const own = cpuPerRequest(results, server.name, size)
      if (own === undefined) {
        return []
      }
      const of = (other: ServerInfo | undefined): string =>
        ratio(
          own.total,
          other && cpuPerRequest(results, other.name, size)?.total,
          other?.name === server.name,
        )
      return [
        [
          sizeLabel(size),
          server.name,
          micros(own.user),
          micros(own.system),
          micros(own.total.median),
          `${micros(own.total.min)}-${micros(own.total.max)}`,
          of(uvloop),
          of(c),
        ],
      ]
    }),
  )
  return rows.length === 0
    ? 'Not measured in this run.'
    : table(
        [
          'size',
          'server',
          'user µs',
          'system µs',
          'total µs (median)',
          'min-max',
          '/ uvloop',
          '/ C',
        ],
        rows,
      )
}

/** Latency percentiles, the median of the runs, in microseconds. */
export function latencyTable(results: BenchResults): string {
  const keys = ['p50', 'p90', 'p99', 'max'] as const
  const rows = results.plan.sizes.flatMap((size) =>
    serversOf(results).flatMap((server) => {
      const values = keys.map((key) => latency(results, server.name, size, key))
      return values.some((value) => value === undefined)
        ? []
        : [[sizeLabel(size), server.name, ...values.map((value) => whole(value ?? 0))]]
    }),
  )
  return table(['size', 'server', 'p50 µs', 'p90 µs', 'p99 µs', 'max µs'], rows)
}

/** Memory per idle connection (growth of the server's VmRSS), each round and the median. */
export function memoryTable(results: BenchResults): string {
  const rows = results.memory.map((m) => [
    m.server,
    String(m.connections),
    m.bytesPerConnection.map(whole).join(', '),
    whole(idleBytes(results, m.server)?.median ?? Number.NaN),
  ])
  return table(['server', 'connections', 'bytes per connection, each round', 'median'], rows)
}
