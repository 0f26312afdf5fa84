/**
 * Helpers for the apps' end-to-end tests, which run the built programs as users do (exported as
 * `@wirekit/app-support/testing`; nothing here is used at run time).
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process'
import type { Readable, Writable } from 'node:stream'

/** How a process ended, and everything it printed. */
export interface Finished {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: Buffer
  readonly stderr: string
}

/** Where and how {@link startProcess} starts a process. */
export interface StartOptions {
  /** The working directory (default: this process's). */
  readonly cwd?: string
  /** The whole environment (default: this process's). */
  readonly env?: NodeJS.ProcessEnv
  /**
   * Start it in a process group of its own, and send {@link StartedProcess.kill}'s signals to
   * the whole group, as a terminal does on Ctrl-C: for commands that start others (pnpm, turbo).
   */
  readonly group?: boolean
}

/** A running process: its output so far, its end, and a wait on what it prints. */
export interface StartedProcess {
  readonly child: ChildProcessByStdio<Writable, Readable, Readable>
  /** Standard error so far (UTF-8). */
  stderr(): string
  /** Standard output so far. */
  stdout(): Buffer
  /** Resolves once the process has exited and its output is complete. */
  readonly finished: Promise<Finished>
  /** Sends a signal (SIGKILL by default), to its group if started with `group`. */
  kill(signal?: NodeJS.Signals): void
  /**
   * Resolves with the first capture group of `pattern` as soon as standard error matches it
   * (checked as each chunk arrives); rejects if the process exits first.
   */
  waitForStderr(pattern: RegExp): Promise<string>
  /** The same as {@link StartedProcess.waitForStderr}, on standard output (read as UTF-8). */
  waitForStdout(pattern: RegExp): Promise<string>
}

/**
 * Starts `command` with `args`; `input` (if any) is written to its standard input, which is then
 * closed.
 * @example
 * ```ts
 * const server = startProcess(process.execPath, [serverBin, '--port', '0'])
 * const port = Number(await server.waitForStderr(/port (\d+)$/m))
 * ```
 */
export function startProcess(
  command: string,
  args: readonly string[],
  input?: Buffer,
  options: StartOptions = {},
): StartedProcess {
  const child = spawn(command, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    cwd: options.cwd,
    env: options.env,
    detached: options.group === true,
  })
  const stdout: Buffer[] = []
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  // A process that exits without reading its input must not fail the test with EPIPE.
  child.stdin.on('error', () => undefined)
  child.stdin.end(input)
  // 'close' comes after 'exit' and after the output streams have ended: nothing is missed.
  const finished = new Promise<Finished>((resolve) => {
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
      resolve({ code, signal, stdout: Buffer.concat(stdout), stderr })
    })
  })
  const waitFor =
    (stream: Readable, text: () => string, name: string) =>
    (pattern: RegExp): Promise<string> =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          const match = pattern.exec(text())
          if (match == null) {
            return false
          }
          stream.off('data', onData)
          resolve(match[1] ?? match[0])
          return true
        }
        const onData = (): void => {
          // Runs after the collecting listener above (registered first), so `text()` is current.
          check()
        }
        if (check()) {
          return
        }
        stream.on('data', onData)
        void finished.then(() => {
          if (!check()) {
            reject(
              new Error(
                `the process ended before printing ${String(pattern)} on ${name}:\n${text()}`,
              ),
            )
          }
        })
      })
  return {
    child,
    stderr: () => stderr,
    stdout: () => Buffer.concat(stdout),
    finished,
    kill: (signal = 'SIGKILL') => {
      if (options.group === true && child.pid !== undefined) {
        try {
          process.kill(-child.pid, signal)
        } catch {
          // The whole group has already exited (ESRCH).
        }
      } else {
        child.kill(signal)
      }
    },
    waitForStderr: waitFor(child.stderr, () => stderr, 'stderr'),
    waitForStdout: waitFor(child.stdout, () => Buffer.concat(stdout).toString(), 'stdout'),
  }
}

/** Runs a Node script to its end. */
export function runNode(args: readonly string[], input?: Buffer): Promise<Finished> {
  return startProcess(process.execPath, args, input).finished
}

export { freePorts } from './loopback-ports.ts'
export {
  findNginx,
  NGINX_MISSING,
  NGINX_STREAM_MODULE,
  planNginxTests,
  startNginx,
  type NginxInstance,
  type NginxStreamServer,
  type NginxTestPlan,
} from './nginx.ts'
export {
  findHAProxy,
  HAPROXY_MISSING,
  planHAProxyTests,
  startHAProxy,
  type HAProxyFrontend,
  type HAProxyInstance,
  type HAProxyTestPlan,
  type StartHAProxyOptions,
} from './haproxy.ts'
