import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import type { BenchResults, SectionResults } from '../src/results.ts'
import { runToEnd } from './child-processes.ts'
import { writeOlderEchoServer } from './older-echo-server.ts'

const BENCH = fileURLToPath(new URL('../dist/bench.js', import.meta.url))
const folder = mkdtempSync(join(tmpdir(), 'bench-sections-'))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

/** Runs `pnpm bench -- --smoke ...ARGS --out DIR` and reads what it wrote. */
async function smoke(name: string, args: readonly string[]) {
  const out = join(folder, name)
  const { code, stderr } = await runToEnd(process.execPath, [
    BENCH,
    '--smoke',
    ...args,
    '--out',
    out,
  ])
  expect(code, stderr).toBe(0)
  const results = JSON.parse(
    readFileSync(join(out, 'benchmarks/results.json'), 'utf8'),
  ) as BenchResults
  return { out, results, report: readFileSync(join(out, 'benchmarks.md'), 'utf8'), stderr }
}

/** Every server of a comparison has figures at every size, its CPU time included. */
function expectEveryServerMeasured(section: SectionResults | undefined): void {
  expect(section?.servers.length).toBeGreaterThan(0)
  for (const server of section?.servers ?? []) {
    for (const size of section?.sizes ?? []) {
      const runs = section?.series.find((s) => s.server === server.name && s.size === size)?.runs
      expect(runs?.length, `${server.name} at ${size}`).toBe(1)
      for (const run of runs ?? []) {
        expect(run.requests).toBeGreaterThan(0)
        expect(Number.isFinite(run.serverCpu?.userMicrosPerRequest)).toBe(true)
      }
    }
  }
}

describe('pnpm bench --smoke: the comparisons beyond TCP', () => {
  it('Unix sockets, TLS and UDP: every server measured, each its own part of the report', async () => {
    const { out, results, report } = await smoke('unix-tls-udp', ['--sections', 'unix,tls,udp'])
    expect(results.plan.sections).toEqual(['unix', 'tls', 'udp'])
    expect(results.series).toEqual([]) // no plain TCP this time
    const section = (id: string) => results.sections?.find((s) => s.id === id)
    expect(results.sections?.map((s) => s.id)).toEqual(['unix', 'tls', 'udp'])
    expect(
      section('unix')
        ?.servers.map((s) => s.name)
        .slice(0, 3),
    ).toEqual(['wirekit', 'raw node:net', 'asyncio'])
    expect(section('tls')?.servers[1]?.name).toBe('raw node:tls')
    expect(section('udp')?.sizes).toEqual([64])
    for (const id of ['unix', 'tls', 'udp']) {
      expectEveryServerMeasured(section(id))
    }
    for (const run of section('tls')?.series.flatMap((s) => s.runs) ?? []) {
      expect(run.tls).toEqual({ protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' })
    }
    for (const run of section('udp')?.series.flatMap((s) => s.runs) ?? []) {
      expect(run.datagrams?.sent).toBeGreaterThan(0)
    }
    for (const heading of ['## Unix domain sockets', '## TLS', '## UDP datagrams']) {
      expect(report).toContain(heading)
    }
    expect(report).toMatch(/^- \*\*wirekit, TLS\*\* met \d of the 2 targets this run measured/m)
    expect(existsSync(join(out, 'benchmarks.svg'))).toBe(false) // the chart is the TCP comparison's
  }, 180_000)

  it('several cores and PROXY: skipped with a note by an echo-server without the flags', async () => {
    const older = writeOlderEchoServer(folder)
    const { results, report } = await smoke('skipped', [
      ...['--sections', 'workers,proxy', '--echo-server', older],
    ])
    expect(results.sections?.map((s) => [s.id, s.servers.length, s.notes.length])).toEqual([
      ['workers', 0, 1],
      ['proxy', 0, 1],
    ])
    expect(report).toContain('- several cores: skipped, this echo-server has no --workers yet')
    expect(report).toContain(
      '- PROXY header cost: skipped, this echo-server has no --proxy-protocol',
    )
  }, 60_000)

  it('several cores and PROXY: measured against the workspace echo-server', async () => {
    const { results, report } = await smoke('measured', ['--sections', 'workers,proxy'])
    const [workers, proxy] = results.sections ?? []
    expect(workers?.servers.map((s) => [s.name, s.workers])).toEqual([
      ['wirekit, 1 worker', 1],
      ['wirekit, 2 workers', 2],
    ])
    expectEveryServerMeasured(workers)
    expect(proxy?.servers.map((s) => s.name)).toEqual([
      'wirekit, no header',
      'wirekit, PROXY v1',
      'wirekit, PROXY v2',
    ])
    expect(proxy?.sizes).toEqual([64])
    expectEveryServerMeasured(proxy)
    expect(report).toMatch(
      /^With 2 workers, echo-server served \d+\.\d\dx the requests\/s at 1 KiB/m,
    )
    expect(report).toMatch(/^Against the same server without the PROXY protocol, a v1 header /m)
  }, 120_000)
})
