import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'

/** What a compared server is, for the tables and the chart. */
export type ServerKind = 'wirekit' | 'raw' | 'asyncio' | 'uvloop' | 'c'

/** A compared server as the results record it. */
export interface ServerInfo {
  /** Its name in the tables, unique in a run: `wirekit`, `wirekit (Node 24)`, `C epoll`. */
  readonly name: string
  readonly kind: ServerKind
  /** What runs it: `Node.js v20.20.2`, `Python 3.11.2, uvloop 0.17.0`, `cc (Debian 12.2.0-14) 12.2.0 -O2`. */
  readonly runtime: string
  /** The Node.js version of a Node server (`v24.11.1`). */
  readonly node?: string
}

/** A server under test: what it is and how to start it. */
export interface ServerSpec extends ServerInfo {
  readonly command: string
  readonly args: readonly string[]
}

/** A started server process and the port it listens on. */
export interface RunningServer {
  readonly pid: number
  readonly port: number
  stop(): Promise<void>
}

/** Starts a server and waits for its `main: starting up on ... port N` line. */
export async function startServer(spec: ServerSpec): Promise<RunningServer> {
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
      }
    })
    child.once('error', reject)
    child.once('exit', (code) =>
      reject(new Error(`${spec.name} exited (${String(code)}) before listening`)),
    )
  })
  return {
    pid: child.pid ?? 0,
    port,
    stop: async () => {
      if (child.exitCode != null || child.signalCode != null) {
        return
      }
      const exited = once(child, 'exit')
      child.kill('SIGKILL')
      await exited
    },
  }
}
