import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { niceScale } from '../src/chart-scale.ts'
import { drawChart } from '../src/chart-svg.ts'
import type { BenchResults } from '../src/results.ts'
import { ISSUE_15, resultsOf, SERVERS } from './fixtures.ts'

/**
 * Parses the SVG with Python's XML parser (a parser nobody here wrote: malformed XML raises) and
 * returns what the chart is made of, found by structure.
 */
function parse(svg: string): {
  root: string
  panels: {
    id: string
    groups: {
      size: string
      bars: { server: string; rects: number; whiskers: number; label: string }[]
      label: string
    }[]
    note: string
  }[]
  legend: string[]
} {
  const script = `
import json, sys, xml.etree.ElementTree as ET
ns = {"s": "http://www.w3.org/2000/svg"}
root = ET.fromstring(sys.stdin.read())
def text(e): return "".join(e.itertext())
panels = []
for p in root.findall("s:g[@class='panel']", ns):
    groups = []
    for g in p.findall("s:g[@class='group']", ns):
        bars = [{"server": b.get("data-server"), "rects": len(b.findall("s:rect", ns)),
                 "whiskers": len(b.findall("s:path[@class='whisker']", ns)),
                 "label": text(b.find("s:text", ns))} for b in g.findall("s:g[@class='bar']", ns)]
        groups.append({"size": g.get("data-size"), "bars": bars, "label": text(g.find("s:text", ns))})
    notes = [text(t) for t in p.findall("s:text", ns)]
    panels.append({"id": p.get("data-panel"), "groups": groups, "note": notes[-1]})
legend = [text(i) for i in root.findall("s:g[@class='legend']/s:g[@class='legend-item']", ns)]
print(json.dumps({"root": root.tag, "panels": panels, "legend": legend}))
`
  return JSON.parse(
    execFileSync('python3', ['-c', script], { input: svg, encoding: 'utf8' }),
  ) as ReturnType<typeof parse>
}

describe('drawChart', () => {
  it('draws well-formed SVG: a group per size in each panel, a bar per server, a legend', () => {
    const chart = parse(drawChart(resultsOf(ISSUE_15)))
    expect(chart.root).toBe('{http://www.w3.org/2000/svg}svg')
    expect(chart.legend).toEqual(SERVERS.map((s) => s.name))
    expect(chart.panels.map((p) => p.id)).toEqual(['throughput', 'cpu'])
    for (const panel of chart.panels) {
      expect(panel.groups.map((g) => [g.size, g.label])).toEqual([
        ['1024', '1 KiB'],
        ['10240', '10 KiB'],
        ['102400', '100 KiB'],
      ])
      for (const group of panel.groups) {
        expect(group.bars.map((b) => b.server)).toEqual(SERVERS.map((s) => s.name))
        expect(group.bars.every((b) => b.whiskers === 1)).toBe(true)
      }
    }
    const [throughput, cpu] = chart.panels
    // One rectangle per bar for requests/s; user, system and the system hatching for CPU.
    expect(throughput?.groups[0]?.bars.map((b) => [b.rects, b.label])[0]).toEqual([1, '115k'])
    expect(cpu?.groups[0]?.bars.map((b) => [b.rects, b.label])[0]).toEqual([3, '9.2'])
    expect(cpu?.groups[2]?.bars.map((b) => b.label)).toEqual([
      '35.0',
      '56.0',
      '34.0',
      '54.0',
      '90.0',
      '28.0',
      '24.0',
    ])
    expect(throughput?.groups[2]?.bars.map((b) => b.label)).toEqual([
      '27k',
      '15k',
      '27k',
      '16k',
      '9.4k',
      '26k',
      '36k',
    ])
  })

  it('leaves out the bars of a server a size did not measure, and escapes names', () => {
    const servers = [
      { name: 'wirekit <&> "x"', kind: 'wirekit' as const, runtime: '' },
      { name: 'uvloop', kind: 'uvloop' as const, runtime: '' },
    ]
    const results = resultsOf(
      {
        'wirekit <&> "x"': { 1024: { rps: 1000 }, 2048: { rps: 900 } },
        uvloop: { 1024: { rps: 2000 } },
      },
      servers,
    )
    const chart = parse(drawChart(results))
    expect(chart.legend).toEqual(['wirekit <&> "x"', 'uvloop'])
    const sizes = chart.panels[0]?.groups.map((g) => g.bars.map((b) => b.server))
    expect(sizes).toEqual([['wirekit <&> "x"', 'uvloop'], ['wirekit <&> "x"']])
    expect(chart.panels[1]).toMatchObject({
      id: 'cpu',
      groups: [],
      note: 'Not measured in this run.',
    })
  })

  it('draws the results file of a run made before CPU figures were measured', () => {
    const file = fileURLToPath(new URL('../../../docs/benchmarks/results.json', import.meta.url))
    const results = JSON.parse(readFileSync(file, 'utf8')) as BenchResults
    const chart = parse(drawChart(results))
    expect(chart.panels[0]?.groups).toHaveLength(results.plan.sizes.length)
    expect(chart.legend.length).toBeGreaterThan(0)
  })
})

describe('niceScale', () => {
  it.each([
    [135_100, 150_000, 50_000],
    [90, 100, 20],
    [9.2, 10, 2],
    [0.37, 0.4, 0.1],
  ])('covers %d with round ticks up to %d', (largest, max, step) => {
    const scale = niceScale(largest)
    expect(scale.max).toBe(max)
    expect(scale.ticks[1]).toBe(step)
    expect(scale.ticks.at(-1)).toBe(max)
  })
})
