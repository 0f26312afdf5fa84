import { describe, expect, it } from 'vitest'
import { renderReport } from '../src/report-markdown.ts'
import type { BenchResults, SectionResults } from '../src/results.ts'
import { proxyFinding, workersFinding } from '../src/scale-out-findings.ts'
import { sectionReport } from '../src/section-report.ts'
import { sectionVerdicts } from '../src/section-verdicts.ts'
import type { ServerInfo } from '../src/servers.ts'
import { ISSUE_15, resultsOf, sectionOf } from './fixtures.ts'

const node = { runtime: 'Node.js v20.20.2', node: 'v20.20.2' }
const PEERS = (raw: string): ServerInfo[] => [
  { name: 'wirekit', kind: 'wirekit', ...node },
  { name: raw, kind: 'raw', ...node },
  { name: 'asyncio', kind: 'asyncio', runtime: 'Python 3.11.2' },
  { name: 'uvloop', kind: 'uvloop', runtime: 'Python 3.11.2, uvloop 0.17.0' },
]

const tls = sectionOf(
  'tls',
  PEERS('raw node:tls'),
  {
    wirekit: { 1024: { rps: 50_000, cpu: [14, 4] }, 102400: { rps: 5_000, cpu: [90, 30] } },
    'raw node:tls': { 1024: { rps: 45_000, cpu: [16, 4] }, 102400: { rps: 5_200, cpu: [95, 30] } },
    asyncio: { 1024: { rps: 30_000, cpu: [20, 9] }, 102400: { rps: 3_000, cpu: [120, 40] } },
    uvloop: { 1024: { rps: 52_000, cpu: [10, 4] }, 102400: { rps: 4_000, cpu: [100, 30] } },
  },
  (run) => ({ ...run, tls: { protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' } }),
)

const udp = sectionOf(
  'udp',
  PEERS('raw dgram'),
  {
    wirekit: { 64: { rps: 60_000, cpu: [6, 2] } },
    'raw dgram': { 64: { rps: 55_000, cpu: [6, 2] } },
    asyncio: { 64: { rps: 20_000, cpu: [18, 8] } },
    uvloop: { 64: { rps: 58_000, cpu: [4, 2] } },
  },
  (run) => ({ ...run, datagrams: { sent: 1000, lost: 3, late: 1 } }),
)

const workers = sectionOf(
  'workers',
  [1, 2].map((n) => ({
    name: `wirekit, ${n} worker${n === 1 ? '' : 's'}`,
    kind: 'wirekit',
    ...node,
    workers: n,
  })),
  {
    'wirekit, 1 worker': {
      1024: { rps: 100_000, cpu: [8, 2] },
      102400: { rps: 20_000, cpu: [30, 10] },
    },
    'wirekit, 2 workers': {
      1024: { rps: 110_000, cpu: [9, 2] },
      102400: { rps: 30_000, cpu: [30, 10] },
    },
  },
)

const proxy = sectionOf(
  'proxy',
  [
    { name: 'wirekit, no header', kind: 'wirekit', ...node },
    { name: 'wirekit, PROXY v1', kind: 'wirekit', ...node, proxyHeader: 1 },
    { name: 'wirekit, PROXY v2', kind: 'wirekit', ...node, proxyHeader: 2 },
  ],
  {
    'wirekit, no header': { 64: { rps: 10_000, cpu: [80, 40] } },
    'wirekit, PROXY v1': { 64: { rps: 9_500, cpu: [85, 40] } },
    'wirekit, PROXY v2': { 64: { rps: 9_800, cpu: [82, 40] } },
  },
)

function runWith(sections: readonly SectionResults[], cores = 2): BenchResults {
  const base = resultsOf(ISSUE_15)
  return {
    ...base,
    environment: {
      cpu: 'x',
      cores,
      memoryGiB: 1,
      kernel: '6',
      generator: 'v20.20.2',
      clockTicksPerSecond: 100,
    },
    sections,
  }
}

describe('the targets of the other comparisons', () => {
  it('TLS: at least 1.0x raw node:tls and uvloop at every size, as computed from the figures', () => {
    const all = sectionVerdicts(tls)
    expect(all.map((v) => [v.target, v.met])).toEqual([
      ["req/s at least 1.0x raw node:tls's at 1 KiB", true],
      ["req/s at least 1.0x raw node:tls's at 100 KiB", false],
      ["req/s at least 1.0x uvloop's at 1 KiB", false],
      ["req/s at least 1.0x uvloop's at 100 KiB", true],
    ])
    expect(all[1]?.measured).toBe('0.96x (5000 req/s vs 5200 req/s)')
  })

  it('UDP: datagrams/s at least 1.0x each; several cores and PROXY have no target', () => {
    expect(sectionVerdicts(udp).map((v) => [v.target, v.met])).toEqual([
      ["datagrams/s at least 1.0x raw dgram's at 64 B", true],
      ["datagrams/s at least 1.0x asyncio's at 64 B", true],
      ["datagrams/s at least 1.0x uvloop's at 64 B", true],
    ])
    expect(sectionVerdicts(workers)).toEqual([])
    expect(sectionVerdicts(proxy)).toEqual([])
  })

  it('says "not measured" for a peer the run did not have', () => {
    const withoutUvloop = { ...udp, servers: udp.servers.filter((s) => s.kind !== 'uvloop') }
    expect(sectionVerdicts(withoutUvloop).at(-1)).toMatchObject({
      measured: 'not measured',
      met: undefined,
      note: 'no uvloop in this run',
    })
  })
})

describe('the report of the other comparisons', () => {
  it('TLS: what was negotiated, the generator µs per request, ratios to every peer', () => {
    const report = sectionReport(tls, runWith([tls]))
    expect(report).toMatch(/^## TLS\n/)
    expect(report).toContain('Negotiated in this run: TLSv1.3 TLS_AES_256_GCM_SHA384.')
    expect(report).toContain('\n- raw node:tls: Node.js v20.20.2\n- asyncio: Python 3.11.2\n')
    expect(report).toContain(
      '| size | server | req/s (median) | min-max | generator µs each | / raw node:tls | / asyncio | / uvloop |',
    )
    // 0.9 of a core at 50000 req/s: 18 µs of generator CPU per request.
    expect(report).toContain(
      '| 1 KiB | wirekit | 50000 | 49000-51000 | 18.0 | 1.11x | 1.67x | 0.96x |',
    )
  })

  it('UDP: datagrams/s and the loss over every run', () => {
    const report = sectionReport(udp, runWith([udp]))
    expect(report).toContain('### Datagrams per second')
    expect(report).toContain('| 64 B | wirekit | 60000 | 58800-61200 | 0.30% (9 of 3000, 3 late) |')
    expect(report).toContain("### Server's own CPU time per datagram")
  })

  it('a skipped comparison is its heading and the note saying why', () => {
    const skipped: SectionResults = {
      id: 'workers',
      servers: [],
      sizes: [],
      series: [],
      notes: ['several cores: skipped, this echo-server has no --workers yet'],
    }
    expect(sectionReport(skipped, runWith([skipped]))).toBe(
      '## Several cores: 2 worker processes against 1\n\n- several cores: skipped, this echo-server has no --workers yet',
    )
  })

  it('sums up every comparison at the top, next to the TCP targets', () => {
    const report = renderReport(runWith([tls, udp, workers, proxy]))
    expect(report).toMatch(
      /^- \*\*wirekit, TLS\*\* met 2 of the 4 targets this run measured; missed: req\/s at least 1\.0x raw node:tls's at 100 KiB \(0\.96x\); req\/s at least 1\.0x uvloop's at 1 KiB \(0\.96x\)\.$/m,
    )
    expect(report).toMatch(/^- \*\*wirekit, UDP datagrams\*\* met 3 of the 3 targets/m)
    const order = [
      '## Requests per second',
      '## TLS',
      '## UDP datagrams',
      '## Several cores',
      "## The PROXY header's",
      '## Findings',
    ]
    const at = order.map((heading) => report.indexOf(heading))
    expect(at.every((index) => index > 0)).toBe(true)
    expect([...at].sort((a, b) => a - b)).toEqual(at)
  })

  it('leaves the TCP parts and the chart out of a run without TCP', () => {
    const base = runWith([udp])
    const report = renderReport({ ...base, plan: { ...base.plan, sections: ['udp'] } })
    expect(report).not.toContain('benchmarks.svg')
    expect(report).not.toContain('## Requests per second')
    expect(report).toContain('## UDP datagrams')
  })
})

describe('the findings written from the figures', () => {
  it('several cores: the ratios, and on 2 cores that the generator competes with the workers', () => {
    expect(workersFinding(workers, runWith([workers], 2))).toBe(
      'With 2 workers, echo-server served 1.10x the requests/s at 1 KiB (CPU per request 1.10x), 1.50x the requests/s at 100 KiB (CPU per request 1.00x) of 1 worker (CPU per request counts every process of the server). This machine has 2 cores and the load generator (1 thread) used a median of 0.90 of a core in the 2-worker runs, which left the two server processes about 1.1 cores between them, not two of their own: the ratio is what a second process gains while competing with the generator for the same cores, not how wirekit scales with cores (that needs a generator on cores, or a machine, of its own).',
    )
    expect(workersFinding(workers, runWith([workers], 8))).toMatch(
      /This machine has 8 cores .* left the two server processes at least two cores: the ratio is how the server scales from one process to two here \(2\.00x at most\)\.$/,
    )
  })

  it("PROXY: each header's CPU per connection over the same server without it", () => {
    expect(proxyFinding(proxy)).toBe(
      'Against the same server without the PROXY protocol, a v1 header cost 5.0 µs of server CPU per connection (125.0 µs against 120.0 µs) and gave 0.95x the connections/s; a v2 header cost 2.0 µs of server CPU per connection (122.0 µs against 120.0 µs) and gave 0.98x the connections/s. Differences smaller than the min-max ranges of the CPU table are noise.',
    )
  })
})
