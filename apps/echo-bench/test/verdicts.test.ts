import { describe, expect, it } from 'vitest'
import { renderReport } from '../src/report-markdown.ts'
import { verdicts, type Verdict } from '../src/verdicts.ts'
import { ISSUE_15, resultsOf, SERVERS, type Figures } from './fixtures.ts'

const find = (all: readonly Verdict[], server: string, target: string): Verdict | undefined =>
  all.find((v) => v.server === server && v.target === target)

/** ISSUE_15 with the figures of one server at one size replaced. */
function withFigures(server: string, size: number, figures: Figures) {
  return resultsOf({ ...ISSUE_15, [server]: { ...ISSUE_15[server], [size]: figures } })
}

describe('verdicts', () => {
  it("judges issue 15's figures as issue 15 does: CPU and req/s behind uvloop, level with raw Node", () => {
    const all = verdicts(resultsOf(ISSUE_15))
    expect(find(all, 'wirekit', "CPU per request at or below uvloop's at 1 KiB")).toEqual({
      server: 'wirekit',
      target: "CPU per request at or below uvloop's at 1 KiB",
      measured: '1.30x (9.2 µs vs 7.1 µs)',
      met: false,
      note: '',
    })
    expect(find(all, 'wirekit', "CPU per request within 1.1x C's at 1 KiB")).toMatchObject({
      measured: '1.39x (9.2 µs vs 6.6 µs)',
      met: false,
    })
    expect(find(all, 'wirekit', "req/s at least 1.0x uvloop's at 100 KiB")).toMatchObject({
      measured: '1.04x (26600 req/s vs 25700 req/s)',
      met: true,
      note: 'the min-max ranges overlap',
    })
    expect(
      find(all, 'wirekit', "req/s at least 1.0x raw node:net's (same Node) at 10 KiB"),
    ).toMatchObject({ measured: '1.36x (96100 req/s vs 70700 req/s)', met: true, note: '' })
  })

  it('judges each Node line against the raw node:net of the same Node', () => {
    const all = verdicts(resultsOf(ISSUE_15))
    expect(new Set(all.map((v) => v.server))).toEqual(new Set(['wirekit', 'wirekit (Node 24)']))
    expect(
      find(all, 'wirekit (Node 24)', "req/s at least 1.0x raw node:net's (same Node) at 1 KiB"),
    ).toMatchObject({ measured: '1.14x (120000 req/s vs 105000 req/s)' })
  })

  it('turns with the figures: a run that meets a target says met, one that misses says no', () => {
    const target = "CPU per request at or below uvloop's at 10 KiB"
    const met = withFigures('wirekit', 10240, { rps: 96_100, cpu: [6.0, 3.2] })
    const missed = withFigures('wirekit', 10240, { rps: 96_100, cpu: [6.2, 3.2] })
    expect(find(verdicts(met), 'wirekit', target)).toMatchObject({
      measured: '0.99x (9.2 µs vs 9.3 µs)',
      met: true,
    })
    expect(find(verdicts(missed), 'wirekit', target)).toMatchObject({
      measured: '1.01x (9.4 µs vs 9.3 µs)',
      met: false,
    })
    const limit = "CPU per request within 1.1x C's at 10 KiB"
    const atLimit = withFigures('wirekit', 10240, { rps: 96_100, cpu: [6.15, 3.2] }) // 9.35 = 1.1 x 8.5
    expect(find(verdicts(atLimit), 'wirekit', limit)).toMatchObject({ met: true })
  })

  it('says "not measured" when the run lacks the server a target compares with', () => {
    const withoutC = Object.fromEntries(
      Object.entries(ISSUE_15).filter(([server]) => server !== 'C epoll'),
    )
    const all = verdicts(resultsOf(withoutC, SERVERS))
    expect(find(all, 'wirekit', "CPU per request within 1.1x C's at 1 KiB")).toEqual({
      server: 'wirekit',
      target: "CPU per request within 1.1x C's at 1 KiB",
      measured: 'not measured',
      met: undefined,
      note: 'no C server in this run',
    })
  })

  it('judges idle memory and p99 against raw node:net', () => {
    const results = resultsOf(
      {
        wirekit: { 1024: { rps: 1, p99: 220 } },
        'raw node:net': { 1024: { rps: 1, p99: 200 } },
      },
      SERVERS,
      [
        { server: 'wirekit', connections: 100, bytesPerConnection: [5000, 5100, 5200] },
        { server: 'raw node:net', connections: 100, bytesPerConnection: [4000, 4100, 4200] },
      ],
    )
    const all = verdicts(results)
    expect(
      find(all, 'wirekit', "p99 latency at 1 KiB within 1.1x raw node:net's (same Node)"),
    ).toMatchObject({ measured: '1.10x (220 µs vs 200 µs)', met: true })
    expect(
      find(all, 'wirekit', "memory per idle connection within raw node:net's (same Node) + 1 KiB"),
    ).toMatchObject({ measured: '+1000 B', met: true })
  })
})

describe('renderReport', () => {
  it('sums up what was met and missed from the same figures as its tables', () => {
    const report = renderReport(resultsOf(ISSUE_15))
    expect(report).toMatch(
      /^- \*\*wirekit\*\* met \d+ of the 16 targets this run measured; missed: CPU per request at or below uvloop's at 1 KiB \(1\.30x\);/m,
    )
    expect(report).toContain('| 1 KiB | wirekit | 7.4 | 1.8 | 9.2 | 9.0-9.4 | 1.30x | 1.39x |')
    expect(report).toContain(
      '| 1 KiB | wirekit (Node 24) | 120000 | 117600-122400 | 1.14x | 0.89x | 0.92x |',
    )
    expect(report).toContain('](benchmarks-findings.md)')
    expect(report).toContain('![Requests per second and CPU time per request')
  })

  it('draws the same report from the same results', () => {
    expect(renderReport(resultsOf(ISSUE_15))).toBe(renderReport(resultsOf(ISSUE_15)))
  })
})
