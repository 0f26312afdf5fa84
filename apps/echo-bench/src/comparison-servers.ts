import { builtScript } from './built-script.ts'
import type { CServerBuild } from './c-server.ts'
import type { NodeBinary } from './node-binary.ts'
import type { PythonChoice } from './python.ts'
import { pythonServers } from './python-servers.ts'
import type { ServerSpec } from './servers.ts'

/** The raw node:net (and node:tls) echo server, next to this file. */
export const RAW_SERVER: string = builtScript('raw-echo-server.js')

/** `--host 127.0.0.1 --port 0 --log-level warn`: how every comparison starts `echo-server`. */
export const ECHO_SERVER_ARGS = ['--host', '127.0.0.1', '--port', '0', '--log-level', 'warn']

/** What the comparison can run, found before it starts. */
export interface ComparisonTools {
  /** The echo-server entry point to measure. */
  readonly echoServer: string
  /** Node lines besides the one running the bench, for wirekit and raw node:net. */
  readonly nodes: readonly NodeBinary[]
  readonly python: PythonChoice | undefined
  readonly c: CServerBuild
}

const major = (version: string): string => version.replace(/^v/, '').split('.')[0] ?? version

function nodeServers(echoServer: string, node: NodeBinary, suffix: string): ServerSpec[] {
  const runtime = `Node.js ${node.version}`
  return [
    {
      name: `wirekit${suffix}`,
      kind: 'wirekit',
      runtime,
      node: node.version,
      command: node.path,
      args: [echoServer, ...ECHO_SERVER_ARGS],
    },
    {
      name: `raw node:net${suffix}`,
      kind: 'raw',
      runtime,
      node: node.version,
      command: node.path,
      args: [RAW_SERVER],
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
  const specs = nodeServers(
    tools.echoServer,
    { path: process.execPath, version: process.version },
    '',
  )
  const lines = new Set([major(process.version)])
  for (const node of tools.nodes) {
    if (lines.has(major(node.version))) {
      throw new Error(`Node ${major(node.version)} is given twice (${node.path})`)
    }
    lines.add(major(node.version))
    specs.push(...nodeServers(tools.echoServer, node, ` (Node ${major(node.version)})`))
  }
  const python = pythonServers(tools.python, () => ({ args: [] }))
  specs.push(...python.specs)
  const notes = [...python.notes]
  const { c } = tools
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
