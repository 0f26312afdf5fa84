import {
  cpuTable as comparisonCpuTable,
  markdownTable,
  rateTable,
  type ComparisonInput,
} from './comparison-tables.ts'
import { idleBytes, latency } from './figures.ts'
import { sizeLabel, whole } from './format.ts'
import { rawOnSameNode, serverOfKind, serversOf, type BenchResults } from './results.ts'
import type { ServerInfo } from './servers.ts'

/** The plain TCP comparison as the generic tables take it, with ratios to uvloop and C. */
function tcpComparison(results: BenchResults, withRaw: boolean): ComparisonInput {
  const uvloop = serverOfKind(results, 'uvloop')
  const c = serverOfKind(results, 'c')
  return {
    measured: results,
    servers: serversOf(results),
    sizes: results.plan.sizes,
    ratios: [
      ...(withRaw
        ? [
            {
              header: '/ raw node:net (same Node)',
              versus: (server: ServerInfo) =>
                server.kind === 'wirekit' ? rawOnSameNode(results, server) : undefined,
            },
          ]
        : []),
      { header: '/ uvloop', versus: () => uvloop },
      { header: '/ C', versus: () => c },
    ],
  }
}

/** Requests per second: median and range of every server at every size, with ratios. */
export function throughputTable(results: BenchResults): string {
  return rateTable(tcpComparison(results, true))
}

/** The server's own CPU time per request, user and system apart, with ratios to uvloop and C. */
export function cpuTable(results: BenchResults): string {
  return comparisonCpuTable(tcpComparison(results, false))
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
  return markdownTable(['size', 'server', 'p50 µs', 'p90 µs', 'p99 µs', 'max µs'], rows)
}

/** Memory per idle connection (growth of the server's VmRSS), each round and the median. */
export function memoryTable(results: BenchResults): string {
  const rows = results.memory.map((m) => [
    m.server,
    String(m.connections),
    m.bytesPerConnection.map(whole).join(', '),
    whole(idleBytes(results, m.server)?.median ?? Number.NaN),
  ])
  return markdownTable(
    ['server', 'connections', 'bytes per connection, each round', 'median'],
    rows,
  )
}
