import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { rmSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { processTree } from './process-cpu.ts'

/** What a compared server is, for the tables and the chart. */
export type ServerKind = 'wirekit' | 'raw' | 'asyncio' | 'uvloop' | 'c'

/** A compared server as the results record it. */
export interface ServerInfo {
  /** Its name in the tables, unique in a comparison: `wirekit`, `wirekit (Node 24)`, `C epoll`. */
  readonly name: string
  readonly kind: ServerKind
  /** What runs it: `Node.js v20.20.2`, `Python 3.11.2, uvloop 0.17.0`, `cc (Debian 12.2.0-14) 12.2.0 -O2`. */
  readonly runtime: string
  /** The Node.js version of a Node server (`v24.11.1`). */
  readonly node?: string
  /** The processes of a server started with `--workers N`. */
  readonly workers?: number
  /** The PROXY protocol version the generator sends this server first on each connection. */
  readonly proxyHeader?: 1 | 2
}

/** A server under test: what it is, how to start it and how the load generator reaches it. */
export interface ServerSpec extends ServerInfo {
  readonly command: string
  readonly args: readonly string[]
  /** The Unix socket it listens on (else it prints a TCP or UDP port). */
  readonly unixPath?: string
  /** What the load generator needs besides the address: `--tls`, `--udp`, `--reconnect`... */
  readonly load?: readonly string[]
}

/** A started server process and how the load generator reaches it. */
export interface RunningServer {
  readonly pid: number
  /** The port it printed, or 0 on a Unix socket. */
  readonly port: number
  /** The generator's arguments for its address: `--port N` or `--unix PATH`. */
  readonly target: readonly string[]
  stop(): Promise<void>
}

/** How long a server may take to say it listens, on a machine busy with other work. */
const STARTUP_TIMEOUT_MS = 30_000

/** The line that says a server listens, and what it gives: a port, or 0 on a Unix socket. */
function listening(spec: ServerSpec, line: string): number | undefined {
  if (spec.unixPath !== undefined) {
    return line.endsWith(` ${spec.unixPath}`) ? 0 : undefined
  }
  const match = /port (\d+)$/.exec(line)
  return match?.[1] === undefined ? undefined : Number(match[1])
}

/**
 * Starts a server and waits for its `main: starting up on ... port N` line (or the line naming its
 * Unix socket path, a stale file of which is removed first).
 * @param startupTimeoutMs - How long it may take (default 30 s).
 * @throws Error when it exits or stays silent that long first, with its last lines of output.
 */
export async function startServer(
  spec: ServerSpec,
  startupTimeoutMs: number = STARTUP_TIMEOUT_MS,
): Promise<RunningServer> {
  const { unixPath } = spec
  if (unixPath !== undefined) {
    rmSync(unixPath, { force: true })
  }
  const child: ChildProcess = spawn(spec.command, spec.args, {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  const stderr = child.stderr
  if (stderr == null) {
    throw new Error('no stderr')
  }
  const lines = createInterface({ input: stderr })
  const said: string[] = []
  const stop = async (): Promise<void> => {
    if (child.exitCode == null && child.signalCode == null) {
      const exited = once(child, 'exit')
      // The whole tree: a server of several processes must not leave workers behind.
      for (const pid of child.pid === undefined ? [] : processTree(child.pid).keys()) {
        try {
          process.kill(pid, 'SIGKILL')
        } catch {
          // gone already
        }
      }
      child.kill('SIGKILL')
      await exited
    }
    if (unixPath !== undefined) {
      rmSync(unixPath, { force: true })
    }
  }
  let timer: NodeJS.Timeout | undefined
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const failed = (why: string): void => {
        const last = said.join(' / ')
        reject(new Error(`${spec.name} ${why}${last === '' ? '' : `: ${last}`}`))
      }
      lines.on('line', (line) => {
        said.push(line)
        said.splice(0, said.length - 3) // the last three lines, for the error
        const port = listening(spec, line)
        if (port !== undefined) {
          resolve(port)
        }
      })
      child.once('error', reject)
      child.once('exit', (code) => failed(`exited (${String(code)}) before listening`))
      timer = setTimeout(
        () => failed(`did not say it listens within ${startupTimeoutMs / 1000} s`),
        startupTimeoutMs,
      )
    })
    return {
      pid: child.pid ?? 0,
      port,
      target: unixPath === undefined ? ['--port', String(port)] : ['--unix', unixPath],
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  } finally {
    clearTimeout(timer)
  }
}
