import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { CServerBuild } from './c-server.ts'
import type { NodeBinary } from './node-binary.ts'
import type { PythonChoice } from './python.ts'
import type { ServerSpec } from './servers.ts'

const here = dirname(fileURLToPath(import.meta.url))
const echoServerBin = join(
  dirname(createRequire(import.meta.url).resolve('@wirekit/echo-server/package.json')),
  'dist/main.js',
)
const rawServerBin = join(here, 'raw-echo-server.js')
const pythonServer = join(here, '..', 'python', 'asyncio_echo_server.py')

/** What the comparison can run, found before it starts. */
export interface ComparisonTools {
  /** Node lines besides the one running the bench, for wirekit and raw node:net. */
  readonly nodes: readonly NodeBinary[]
  readonly python: PythonChoice | undefined
  readonly c: CServerBuild
}

const major = (version: string): string => version.replace(/^v/, '').split('.')[0] ?? version

function nodeServers(node: NodeBinary, suffix: string): ServerSpec[] {
  const runtime = `Node.js ${node.version}`
  return [
    {
      name: `wirekit${suffix}`,
      kind: 'wirekit',
      runtime,
      node: node.version,
      command: node.path,
      args: [echoServerBin, '--host', '127.0.0.1', '--port', '0', '--log-level', 'warn'],
    },
    {
      name: `raw node:net${suffix}`,
      kind: 'raw',
      runtime,
      node: node.version,
      command: node.path,
      args: [rawServerBin],
    },
  ]
}

/**
 * The servers compared, in the order they alternate: wirekit and raw node:net on this Node, then
 * on each other Node line, asyncio and uvloop on one Python, and C. Notes say what was left out.
 * @throws Error when two Node binaries are of the same major line (their names would clash).
 */
export function comparisonServers(tools: ComparisonTools): {
  specs: ServerSpec[]
  notes: string[]
} {
  const specs = nodeServers({ path: process.execPath, version: process.version }, '')
  const lines = new Set([major(process.version)])
  for (const node of tools.nodes) {
    if (lines.has(major(node.version))) {
      throw new Error(`Node ${major(node.version)} is given twice (${node.path})`)
    }
    lines.add(major(node.version))
    specs.push(...nodeServers(node, ` (Node ${major(node.version)})`))
  }
  const notes: string[] = []
  const { python, c } = tools
  if (python === undefined) {
    notes.push('asyncio and uvloop: skipped, no python3 here')
  } else {
    const runtime = `Python ${python.version} (${python.path})`
    specs.push({
      name: 'asyncio',
      kind: 'asyncio',
      runtime,
      command: python.path,
      args: [pythonServer],
    })
    if (python.uvloop === undefined) {
      notes.push(
        `uvloop: skipped, ${python.path} cannot import uvloop (install Debian's python3-uvloop)`,
      )
    } else {
      specs.push({
        name: 'uvloop',
        kind: 'uvloop',
        runtime: `${runtime}, uvloop ${python.uvloop}`,
        command: python.path,
        args: [pythonServer, '--uvloop'],
      })
    }
  }
  if (c.binary === undefined) {
    notes.push(c.note)
  } else {
    specs.push({
      name: 'C epoll',
      kind: 'c',
      runtime: `${c.compiler}, -O2`,
      command: c.binary,
      args: [],
    })
  }
  return { specs, notes }
}
