import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import type { BenchResults } from '../src/results.ts'
import { runToEnd } from './child-processes.ts'

const BENCH = fileURLToPath(new URL('../dist/bench.js', import.meta.url))
const out = mkdtempSync(join(tmpdir(), 'bench-smoke-'))
afterAll(() => rmSync(out, { recursive: true, force: true }))

describe('pnpm bench --smoke', () => {
  it("measures every server's requests and CPU and writes the report, the chart and the results", async () => {
    const { code, stderr } = await runToEnd(process.execPath, [
      BENCH,
      ...['--smoke', '--sections', 'tcp', '--idle', '50', '--out', out],
    ])
    expect(code, stderr).toBe(0)
    const results = JSON.parse(
      readFileSync(join(out, 'benchmarks/results.json'), 'utf8'),
    ) as BenchResults
    const names = results.servers?.map((s) => s.name) ?? []
    expect(names.slice(0, 2)).toEqual(['wirekit', 'raw node:net'])
    // Every server that ran has figures at 1 KiB, its CPU time included.
    expect(results.series.map((s) => [s.server, s.size])).toEqual(names.map((n) => [n, 1024]))
    for (const run of results.series.flatMap((s) => s.runs)) {
      expect(run.requests).toBeGreaterThan(0)
      expect(Number.isFinite(run.serverCpu?.userMicrosPerRequest)).toBe(true)
      expect(Number.isFinite(run.serverCpu?.systemMicrosPerRequest)).toBe(true)
    }
    expect(results.memory.map((m) => m.server)).toEqual(['wirekit', 'raw node:net'])
    expect(results.sections).toEqual([])
    // Left out only with a note saying why.
    for (const [name, reason] of [
      ['uvloop', /uvloop: skipped/],
      ['C epoll', /C epoll: skipped/],
    ] as const) {
      if (!names.includes(name)) {
        expect(results.notes?.join('\n')).toMatch(reason)
      }
    }
    const report = readFileSync(join(out, 'benchmarks.md'), 'utf8')
    expect(report).toContain('## Targets, computed from this run')
    expect(report).toContain("## Server's own CPU time per request")
    const chart = readFileSync(join(out, 'benchmarks.svg'), 'utf8')
    expect(chart).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/)
    expect(chart).toContain('data-panel="cpu"')
    expect(chart).not.toContain('Not measured in this run.')
  }, 120_000) // five servers and two idle-memory rounds, on a machine the tests share
})
