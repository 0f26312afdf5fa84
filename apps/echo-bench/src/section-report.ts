import {
  cpuTable,
  rateTable,
  type ComparisonInput,
  type ExtraColumn,
  type RatioColumn,
} from './comparison-tables.ts'
import { median } from './figures.ts'
import { lossPercent, micros } from './format.ts'
import { verdictRows, verdictSummary } from './judge.ts'
import type { BenchResults, SectionResults } from './results.ts'
import { proxyFinding, workersFinding } from './scale-out-findings.ts'
import { sectionVerdicts } from './section-verdicts.ts'
import type { ServerInfo, ServerKind } from './servers.ts'

/** The heading of each comparison. */
export const SECTION_TITLES: Record<SectionResults['id'], string> = {
  unix: 'Unix domain sockets',
  tls: 'TLS',
  udp: 'UDP datagrams',
  workers: 'Several cores: 2 worker processes against 1',
  proxy: "The PROXY header's cost per connection",
}

const runsOf = (section: SectionResults, server: string, size: number) =>
  section.series.find((s) => s.server === server && s.size === size)?.runs ?? []

/** The first run's generator options: the window and loss timeout of a datagram run. */
const firstOptions = (section: SectionResults) => section.series[0]?.runs[0]?.options

function method(section: SectionResults, results: BenchResults): string {
  const { connections } = results.plan
  switch (section.id) {
    case 'unix':
      return "The closed loop of the TCP comparison over a Unix socket path instead of loopback TCP: `echo-server --unix PATH`, raw node:net listening on a path, asyncio's (and uvloop's) `create_unix_server`, on the Node running the bench. Target (issue 13): wirekit's requests/s at least 1.0x each, at every size."
    case 'tls': {
      const negotiated = [
        ...new Set(
          section.series.flatMap((s) =>
            s.runs.flatMap((run) => (run.tls ? [`${run.tls.protocol} ${run.tls.cipher}`] : [])),
          ),
        ),
      ]
      return `The closed loop of the TCP comparison over TLS (\`echo-bench --tls\`). The generator offers only TLS 1.3 with TLS_AES_256_GCM_SHA384 and X25519 (what Node and OpenSSL choose by default), so its TLS work per byte is the same whatever the server; every server has the same EC P-256 certificate from @wirekit/test-certificates. Negotiated in this run: ${negotiated.length === 0 ? 'not recorded' : negotiated.join('; ')}. The "generator µs each" column is the generator's own CPU per request: its cryptography per byte is the same for every server, so what differs there comes from how each server's echoes arrive (TLS records and reads per echo, echoes per wake-up). Targets (issue 12): wirekit's requests/s at least 1.0x raw node:tls's and 1.0x uvloop's, at every size.`
    }
    case 'udp': {
      const options = firstOptions(section)
      const window = options?.window ?? 'several'
      const timeout = options === undefined ? 'a timeout' : `${options.lossTimeout} s`
      return `A datagram echo (\`echo-bench --udp\`): each of ${connections} flows, a UDP socket connected to the server, keeps ${window} datagrams in flight; a datagram not echoed within ${timeout} counts as lost and is replaced, and its echo, if it comes later, is counted late and ignored. Every echo is checked byte for byte. Figures: datagrams echoed per second, lost over sent in the measured windows, the server's CPU per datagram. Target (issue 13): wirekit's datagrams/s at least 1.0x each, at every size.`
    }
    case 'workers':
      return '`echo-server --workers 2` against `--workers 1`, the closed loop of the TCP comparison at the smallest and the largest size. The CPU per request is that of the whole server: every process of its tree.'
    case 'proxy':
      return `Connections per second (\`echo-bench --reconnect\`): each of ${connections} loops connects, sends one ${section.sizes[0] ?? 64}-byte message, reads its echo, closes and waits for the server's close, then starts over. Against \`echo-server\` without the PROXY protocol, and with \`--proxy-protocol --trusted-proxy 127.0.0.1\` behind a generator that sends a v1 or v2 header (\`--proxy-header\`) in the same write as the message. The CPU figures are per connection.`
  }
}

/** The ratio columns of each comparison: wirekit against its peers, or against its own base. */
function ratios(section: SectionResults): RatioColumn[] {
  const kind = (k: ServerKind): RatioColumn | undefined => {
    const peer = section.servers.find((s) => s.kind === k)
    return peer === undefined ? undefined : { header: `/ ${peer.name}`, versus: () => peer }
  }
  const base = (find: (server: ServerInfo) => boolean, header: string): RatioColumn[] => {
    const server = section.servers.find(find)
    return server === undefined ? [] : [{ header, versus: () => server }]
  }
  switch (section.id) {
    case 'workers':
      return base((s) => s.workers === 1, '/ 1 worker')
    case 'proxy':
      return base((s) => s.proxyHeader === undefined, '/ no header')
    default:
      return (['raw', 'asyncio', 'uvloop'] as const).flatMap((k) => kind(k) ?? [])
  }
}

function extras(section: SectionResults): ExtraColumn[] {
  if (section.id === 'tls') {
    return [
      {
        header: 'generator µs each',
        cell: (server, size) => {
          const runs = runsOf(section, server.name, size)
          return micros(median(runs.map((run) => (run.generatorCpu * 1e6) / run.requestsPerSecond)))
        },
      },
    ]
  }
  if (section.id === 'udp') {
    return [
      {
        header: 'lost, all runs',
        cell: (server, size) => {
          const counts = runsOf(section, server.name, size).flatMap((run) => run.datagrams ?? [])
          const sent = counts.reduce((sum, c) => sum + c.sent, 0)
          const lost = counts.reduce((sum, c) => sum + c.lost, 0)
          const late = counts.reduce((sum, c) => sum + c.late, 0)
          return `${lossPercent({ sent, lost })} (${lost} of ${sent}, ${late} late)`
        },
      },
    ]
  }
  return []
}

/** What each comparison counts: its unit, and what its CPU figures are per. */
const COUNTED: Record<SectionResults['id'], { readonly what: string; readonly each: string }> = {
  unix: { what: 'requests', each: 'request' },
  tls: { what: 'requests', each: 'request' },
  udp: { what: 'datagrams', each: 'datagram' },
  workers: { what: 'requests', each: 'request' },
  proxy: { what: 'connections', each: 'connection' },
}

/** One comparison's part of docs/benchmarks.md: method, notes, targets, figures, finding. */
export function sectionReport(section: SectionResults, results: BenchResults): string {
  const notes = [
    ...section.servers.map((server) => `- ${server.name}: ${server.runtime}`),
    ...section.notes.map((note) => `- ${note}`),
  ]
  const title = `## ${SECTION_TITLES[section.id]}`
  if (section.servers.length === 0) {
    return [title, '', ...notes].join('\n')
  }
  const input: ComparisonInput = {
    measured: section,
    servers: section.servers,
    sizes: section.sizes,
    ratios: ratios(section),
  }
  const verdicts = sectionVerdicts(section)
  const finding =
    section.id === 'workers'
      ? workersFinding(section, results)
      : section.id === 'proxy'
        ? proxyFinding(section)
        : ''
  const { what, each } = COUNTED[section.id]
  return [
    title,
    '',
    method(section, results),
    ...(notes.length === 0 ? [] : ['', ...notes]),
    ...(verdicts.length === 0
      ? []
      : [
          '',
          '### Targets, computed from this run',
          '',
          ...[...new Set(verdicts.map((v) => v.server))].map((s) => verdictSummary(s, verdicts)),
          '',
          ...verdictRows(verdicts),
        ]),
    '',
    `### ${what[0]?.toUpperCase() ?? ''}${what.slice(1)} per second`,
    '',
    rateTable(input, what === 'requests' ? 'req/s' : `${what}/s`, extras(section)),
    '',
    `### Server's own CPU time per ${each}`,
    '',
    cpuTable(input),
    ...(finding === '' ? [] : ['', '### What this run says', '', finding]),
  ].join('\n')
}

/** The summary lines of every comparison's targets, for the top of the report. */
export function sectionSummaries(results: BenchResults): string[] {
  return (results.sections ?? []).flatMap((section) => {
    const verdicts = sectionVerdicts(section)
    return [...new Set(verdicts.map((v) => v.server))].map((server) =>
      verdictSummary(server, verdicts, `${server}, ${SECTION_TITLES[section.id]}`),
    )
  })
}
