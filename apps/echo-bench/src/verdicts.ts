import { cpuPerRequest, idleBytes, latency, requestsPerSecond, type Spread } from './figures.ts'
import { sizeLabel, whole } from './format.ts'
import { judge, missingIn, verdictRows, verdictSummary, type Verdict } from './judge.ts'

export type { Verdict } from './judge.ts'
import { rawOnSameNode, serverOfKind, serversOf, type BenchResults } from './results.ts'
import type { ServerInfo } from './servers.ts'

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
export function targetsSection(results: BenchResults, more: readonly string[] = []): string {
  const all = verdicts(results)
  const servers = [...new Set(all.map((v) => v.server))]
  return [
    ...servers.map((server) => verdictSummary(server, all)),
    ...more,
    '',
    ...verdictRows(all),
  ].join('\n')
}
