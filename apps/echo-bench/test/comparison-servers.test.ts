import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { comparisonServers } from '../src/comparison-servers.ts'
import { choosePython } from '../src/python.ts'

const C = { binary: '/b/epoll-echo', compiler: 'cc 12' } as const
const PYTHON = { path: '/usr/bin/python3', version: '3.11.2', uvloop: '0.17.0' }
// Another Node line than the one running the test (CI runs it on 20, 22, 24 and 26).
const OTHER = process.versions.node.startsWith('24.') ? '26' : '24'

describe('comparisonServers', () => {
  it('alternates wirekit and raw node:net on each Node line, then asyncio, uvloop and C', () => {
    const { specs, notes } = comparisonServers({
      echoServer: '/e/main.js',
      nodes: [{ path: `/n${OTHER}/bin/node`, version: `v${OTHER}.1.0` }],
      python: PYTHON,
      c: C,
    })
    expect(specs.map((s) => [s.name, s.kind, s.command])).toEqual([
      ['wirekit', 'wirekit', process.execPath],
      ['raw node:net', 'raw', process.execPath],
      [`wirekit (Node ${OTHER})`, 'wirekit', `/n${OTHER}/bin/node`],
      [`raw node:net (Node ${OTHER})`, 'raw', `/n${OTHER}/bin/node`],
      ['asyncio', 'asyncio', '/usr/bin/python3'],
      ['uvloop', 'uvloop', '/usr/bin/python3'],
      ['C epoll', 'c', '/b/epoll-echo'],
    ])
    expect(specs[2]?.args).toEqual([
      '/e/main.js',
      ...['--host', '127.0.0.1', '--port', '0', '--log-level', 'warn'],
    ])
    expect(specs.find((s) => s.kind === 'uvloop')?.runtime).toBe(
      'Python 3.11.2 (/usr/bin/python3), uvloop 0.17.0',
    )
    expect(notes).toEqual([])
  })

  it('says what it leaves out, and refuses a Node line given twice', () => {
    const { specs, notes } = comparisonServers({
      echoServer: '/e/main.js',
      nodes: [],
      python: { ...PYTHON, uvloop: undefined },
      c: { binary: undefined, note: 'C epoll: skipped, no C compiler (cc) on the PATH' },
    })
    expect(specs.map((s) => s.name)).toEqual(['wirekit', 'raw node:net', 'asyncio'])
    expect(notes).toEqual([
      "uvloop: skipped, /usr/bin/python3 cannot import uvloop (install Debian's python3-uvloop)",
      'C epoll: skipped, no C compiler (cc) on the PATH',
    ])
    expect(() =>
      comparisonServers({
        echoServer: '/e/main.js',
        nodes: [{ path: '/other/node', version: process.version }],
        python: PYTHON,
        c: C,
      }),
    ).toThrow(/^Node \d+ is given twice \(\/other\/node\)$/)
  })
})

describe('choosePython', () => {
  const folder = mkdtempSync(join(tmpdir(), 'pythons-'))
  afterAll(() => rmSync(folder, { recursive: true, force: true }))
  /** A stand-in Python that answers the probe as a real one would. */
  function fakePython(name: string, answer: string): string {
    const path = join(folder, name)
    writeFileSync(path, `#!/bin/sh\necho '${answer}'\n`)
    chmodSync(path, 0o755)
    return path
  }

  it('runs asyncio and uvloop on one Python: the first that has uvloop, else the first that runs', () => {
    const plain = fakePython('plain', '{"version": "3.12.1", "uvloop": null}')
    const uvloop = fakePython('with-uvloop', '{"version": "3.11.2", "uvloop": "0.17.0"}')
    const broken = fakePython('broken', 'Traceback')
    expect(choosePython([broken, plain, uvloop])).toEqual({
      path: uvloop,
      version: '3.11.2',
      uvloop: '0.17.0',
    })
    expect(choosePython(['/nonexistent/python3', broken, plain])).toEqual({
      path: plain,
      version: '3.12.1',
      uvloop: undefined,
    })
    expect(choosePython(['/nonexistent/python3'])).toBeUndefined()
  })

  it('probes a real Python', () => {
    expect(choosePython(['python3'])?.version).toMatch(/^3\.\d+\.\d+/)
  })
})
