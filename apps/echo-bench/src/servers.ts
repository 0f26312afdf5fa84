import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

/** A server under test: how to start it. */
export interface ServerSpec {
  readonly name: string
  readonly command: string
  readonly args: readonly string[]
  /** The Unix socket path it listens on, removed before each start (absent for TCP). */
  readonly path?: string
}

/** A started server process and the port it listens on. */
export interface RunningServer {
  readonly pid: number
  readonly port: number
  /** What the load generator is told to reach it: `--port N`, or `--unix PATH`. */
  readonly target: readonly string[]
  stop(): Promise<void>
}

const here = dirname(fileURLToPath(import.meta.url))
/** The built wirekit echo server. */
export const echoServerBin = join(
  dirname(createRequire(import.meta.url).resolve('@wirekit/echo-server/package.json')),
  'dist/main.js',
)
/** The seed's server in Python asyncio (`--uvloop`, `--unix PATH`). */
export const pythonServer = join(here, '..', 'python', 'asyncio_echo_server.py')
/** The raw `node:net` echo server (`--unix PATH`), built: the same path from `src` (tests) and `dist`. */
export const rawServer = fileURLToPath(new URL('../dist/raw-echo-server.js', import.meta.url))

/** The first Python that can import uvloop (Debian's python3-uvloop is for /usr/bin/python3). */
export function pythonWithUvloop(): string | undefined {
  for (const python of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(python, ['-c', 'import uvloop'], { stdio: 'ignore' })
      return python
    } catch {
      // not this one
    }
  }
  return undefined
}

/** The servers compared, in the order they alternate; notes say what was left out and why. */
export function serverSpecs(): { specs: ServerSpec[]; notes: string[] } {
  const specs: ServerSpec[] = [
    {
      name: 'wirekit',
      command: process.execPath,
      args: [echoServerBin, '--host', '127.0.0.1', '--port', '0', '--log-level', 'warn'],
    },
    { name: 'raw node:net', command: process.execPath, args: [rawServer] },
    { name: 'asyncio', command: 'python3', args: [pythonServer] },
  ]
  const notes: string[] = []
  const uvloopPython = pythonWithUvloop()
  if (uvloopPython === undefined) {
    notes.push(
      'uvloop: skipped, no Python here can import uvloop (install Debian package python3-uvloop)',
    )
  } else {
    specs.push({ name: 'uvloop', command: uvloopPython, args: [pythonServer, '--uvloop'] })
  }
  return { specs, notes }
}

/**
 * Starts a server and waits for its `main: starting up on ... port N` line (or, on a Unix socket,
 * `main: starting up on PATH`).
 */
export async function startServer(spec: ServerSpec): Promise<RunningServer> {
  if (spec.path !== undefined) {
    // A server killed by the last run left its socket file; not every server replaces one.
    rmSync(spec.path, { force: true })
  }
  const child: ChildProcess = spawn(spec.command, spec.args, {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  const stderr = child.stderr
  if (stderr == null) {
    throw new Error('no stderr')
  }
  const lines = createInterface({ input: stderr })
  const port = await new Promise<number>((resolve, reject) => {
    lines.on('line', (line) => {
      const match = /port (\d+)$/.exec(line)
      if (match?.[1] !== undefined) {
        resolve(Number(match[1]))
      } else if (spec.path !== undefined && line.endsWith(`starting up on ${spec.path}`)) {
        resolve(0)
      }
    })
    child.once('exit', (code) =>
      reject(new Error(`${spec.name} exited (${String(code)}) before listening`)),
    )
  })
  return {
    pid: child.pid ?? 0,
    port,
    target: spec.path === undefined ? ['--port', String(port)] : ['--unix', spec.path],
    stop: async () => {
      const exited = once(child, 'exit')
      child.kill('SIGKILL')
      await exited
    },
  }
}
