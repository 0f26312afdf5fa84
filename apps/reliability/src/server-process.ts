import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { readProcessStats, type ProcessStats } from './process-stats.ts'

/** How to start a server under test. */
export interface ServerLaunch {
  /** The Node script to run (the echo server's `dist/main.js`). */
  readonly script: string
  /** Arguments after the script. */
  readonly args: readonly string[]
  /** Raises the child's soft descriptor limit (`ulimit -n`) before it starts. */
  readonly fdLimit?: number
  /**
   * Lets {@link ServerProcess.collectGarbage} run a full collection in the child (preloads a
   * SIGUSR2 handler under `--expose-gc`).
   */
  readonly collectableGarbage?: boolean
  /** Milliseconds to wait for the listening line. */
  readonly startTimeoutMs?: number
}

/** How a process ended. */
export interface ProcessExit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

/** The line the echo server prints on standard error once it listens. */
const LISTENING = /starting up on (\S+) port (\d+)/

/** The line the garbage-collection preload prints after each collection. */
const COLLECTED = /^wirekit-reliability: garbage collected, heap (\d+) external (\d+)$/

/** A reply of a server the suite drives by commands (`src/servers/control.ts`). */
const REPLY = /^wirekit-reliability: reply (\S+) (.*)$/

/** What V8 holds right after a full garbage collection, in bytes. */
export interface HeapAfterCollection {
  /** Live objects on the V8 heap (`heapUsed`). */
  readonly heapUsed: number
  /** Memory outside the heap owned by live objects, buffers included (`external`). */
  readonly external: number
}

const COLLECT_GARBAGE_PRELOAD = new URL('../preload/collect-garbage-on-signal.mjs', import.meta.url)
  .href

/** Lines kept from the server's output; older ones are dropped (a flood must not fill memory). */
const MAX_KEPT_LINES = 20_000

/**
 * Spawns a Node script with a descriptor limit raised through `sh -c 'ulimit -n N; exec ...'`
 * (exec keeps the pid, so `/proc/<pid>` is the script's own).
 */
export function spawnNode(
  script: string,
  args: readonly string[],
  fdLimit?: number,
  nodeArgs: readonly string[] = [],
): ChildProcess {
  const stdio: ['pipe', 'pipe', 'pipe'] = ['pipe', 'pipe', 'pipe']
  const command = [...nodeArgs, script, ...args]
  if (fdLimit == null) {
    return spawn(process.execPath, command, { stdio })
  }
  return spawn(
    'sh',
    ['-c', `ulimit -n ${fdLimit} && exec "$0" "$@"`, process.execPath, ...command],
    { stdio },
  )
}

/**
 * A server under test in its own process: its port, its output lines, its `/proc` figures.
 * @example
 * ```ts
 * const server = await ServerProcess.start({ script, args: ['--host', '127.0.0.1', '--port', '0'] })
 * const { peakRss } = await server.stats()
 * await server.stop()
 * ```
 */
export class ServerProcess {
  readonly child: ChildProcess
  readonly pid: number
  readonly host: string
  readonly port: number
  /** Standard error and standard output lines, in arrival order (at most the last 20,000). */
  readonly lines: string[]
  readonly #exited: Promise<ProcessExit>
  readonly #countLines: () => number
  readonly #collectedWaiters: ((heap: HeapAfterCollection) => void)[] = []
  readonly #replyWaiters = new Map<string, ((value: unknown) => void)[]>()

  private constructor(
    child: ChildProcess,
    host: string,
    port: number,
    lines: string[],
    exited: Promise<ProcessExit>,
    lineCount: () => number,
  ) {
    if (child.pid == null) {
      throw new Error('the server process has no pid')
    }
    this.child = child
    this.pid = child.pid
    this.host = host
    this.port = port
    this.lines = lines
    this.#exited = exited
    this.#countLines = lineCount
  }

  /** Starts the server and resolves once it printed its listening line. */
  static async start(launch: ServerLaunch): Promise<ServerProcess> {
    const nodeArgs =
      launch.collectableGarbage === true ? ['--expose-gc', '--import', COLLECT_GARBAGE_PRELOAD] : []
    const child = spawnNode(launch.script, launch.args, launch.fdLimit, nodeArgs)
    const lines: string[] = []
    let total = 0
    const exited = once(child, 'exit').then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
    }))
    let resolveListening: (address: { host: string; port: number }) => void = () => undefined
    const listening = new Promise<{ host: string; port: number }>((resolve) => {
      resolveListening = resolve
    })
    let onCollected = (_heap: HeapAfterCollection): void => undefined
    let onReply = (_name: string, _value: unknown): void => undefined
    const keep = (line: string): void => {
      const collected = COLLECTED.exec(line)
      if (collected != null) {
        onCollected({ heapUsed: Number(collected[1]), external: Number(collected[2]) })
        return
      }
      const reply = REPLY.exec(line)
      if (reply?.[1] != null && reply[2] != null) {
        onReply(reply[1], JSON.parse(reply[2]))
        return
      }
      total += 1
      lines.push(line)
      if (lines.length > MAX_KEPT_LINES) {
        lines.splice(0, lines.length - MAX_KEPT_LINES)
      }
      const match = LISTENING.exec(line)
      if (match?.[1] != null && match[2] != null) {
        resolveListening({ host: match[1], port: Number(match[2]) })
      }
    }
    if (child.stderr == null || child.stdout == null) {
      throw new Error('the server process has no output pipes')
    }
    // A command written after the server exited fails with EPIPE: the exit is what counts.
    child.stdin?.on('error', () => undefined)
    createInterface({ input: child.stderr }).on('line', keep)
    createInterface({ input: child.stdout }).on('line', keep)
    const timeoutMs = launch.startTimeoutMs ?? 15_000
    let timer: NodeJS.Timeout | undefined
    const outcome = await Promise.race([
      listening,
      exited.then(
        (exit) => new Error(`the server exited before listening (${describeExit(exit)})`),
      ),
      new Promise<Error>((resolve) => {
        timer = setTimeout(() => {
          resolve(new Error(`the server printed no listening line within ${timeoutMs} ms`))
        }, timeoutMs)
      }),
    ])
    clearTimeout(timer)
    if (outcome instanceof Error) {
      child.kill('SIGKILL')
      throw new Error(`${outcome.message}; output: ${lines.slice(-10).join(' | ')}`)
    }
    const server = new ServerProcess(child, outcome.host, outcome.port, lines, exited, () => total)
    onCollected = (heap) => server.#collectedWaiters.shift()?.(heap)
    onReply = (name, value) => server.#replyWaiters.get(name)?.shift()?.(value)
    return server
  }

  /**
   * Sends a command line to a server the suite drives by commands (see `src/servers/control.ts`),
   * and resolves with the value of its next reply named `reply` (the command's name when not given).
   * Rejects if the reply does not come within `timeoutMs` or the server exits first.
   * @example
   * ```ts
   * const stats = await server.command<StreamServerStats>('stats')
   * ```
   */
  async command<TReply>(line: string, reply?: string, timeoutMs = 10_000): Promise<TReply> {
    const name = reply ?? line.split(' ')[0] ?? line
    const waiting = this.nextReply<TReply>(name, timeoutMs)
    this.child.stdin?.write(`${line}\n`)
    return waiting
  }

  /** Resolves with the value of the server's next reply named `name` (a command's later outcome). */
  async nextReply<TReply>(name: string, timeoutMs = 10_000): Promise<TReply> {
    let resolveReply: (value: unknown) => void = () => undefined
    const replied = new Promise<unknown>((resolve) => {
      resolveReply = resolve
    })
    const waiters = this.#replyWaiters.get(name) ?? []
    waiters.push(resolveReply)
    this.#replyWaiters.set(name, waiters)
    const outcome = await Promise.race([
      replied.then((value) => ({ value })),
      this.waitExit(timeoutMs),
    ])
    if (outcome != null && 'value' in outcome) {
      return outcome.value as TReply
    }
    waiters.splice(waiters.indexOf(resolveReply), 1)
    throw new Error(
      outcome == null
        ? `the server sent no ${name} reply within ${timeoutMs} ms`
        : `the server exited before its ${name} reply (${describeExit(outcome)})`,
    )
  }

  /**
   * Runs a full garbage collection in the server and resolves with the heap it left. Only for
   * servers started with {@link ServerLaunch.collectableGarbage}.
   */
  async collectGarbage(timeoutMs = 10_000): Promise<HeapAfterCollection> {
    const collected = new Promise<HeapAfterCollection>((resolve) => {
      this.#collectedWaiters.push(resolve)
    })
    this.child.kill('SIGUSR2')
    const outcome = await Promise.race([collected, this.waitExit(timeoutMs)])
    if (outcome == null) {
      throw new Error(`the server reported no garbage collection within ${timeoutMs} ms`)
    }
    if (!('heapUsed' in outcome)) {
      throw new Error(`the server exited during a garbage collection (${describeExit(outcome)})`)
    }
    return outcome
  }

  /** The number of lines printed so far (also counting those dropped from {@link lines}). */
  get lineCount(): number {
    return this.#countLines()
  }

  /** Whether the process is still running. */
  get alive(): boolean {
    return this.child.exitCode == null && this.child.signalCode == null
  }

  /** Memory and descriptors now. */
  stats(): Promise<ProcessStats> {
    return readProcessStats(this.pid)
  }

  /** Lines printed since line number `from` (a former {@link lineCount}). */
  linesSince(from: number): string[] {
    const skipped = this.lineCount - this.lines.length
    return this.lines.slice(Math.max(0, from - skipped))
  }

  /** Sends a signal. */
  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal)
  }

  /** Resolves when the process exits, or `undefined` after `timeoutMs`. */
  async waitExit(timeoutMs: number): Promise<ProcessExit | undefined> {
    let timer: NodeJS.Timeout | undefined
    const result = await Promise.race([
      this.#exited,
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), timeoutMs)
      }),
    ])
    clearTimeout(timer)
    return result
  }

  /** Stops the server: SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 5000): Promise<ProcessExit> {
    if (this.alive) {
      this.child.kill('SIGTERM')
    }
    const exit = await this.waitExit(graceMs)
    if (exit != null) {
      return exit
    }
    this.child.kill('SIGKILL')
    return this.#exited
  }
}

/** `exit code 0`, `signal SIGKILL`. */
export function describeExit(exit: ProcessExit): string {
  return exit.signal == null ? `exit code ${exit.code}` : `signal ${exit.signal}`
}
