import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { spawnNode, type ProcessExit } from './server-process.ts'
import type { Targets } from './targets.ts'

/** The line the echo server prints once it listens on a Unix socket. */
const LISTENING = /^main: starting up on (\S+)$/

/** An echo server started with `--unix PATH`, listening. */
export interface UnixServerProcess {
  readonly pid: number
  readonly child: ChildProcess
  /** Everything it printed so far, line by line. */
  readonly lines: string[]
  /** Resolves when it exits. */
  readonly exited: Promise<ProcessExit>
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<ProcessExit>
}

/** How an attempt to start the server on a path ended: listening, or exited before it did. */
export type UnixServerLaunch =
  | { readonly listening: true; readonly server: UnixServerProcess }
  | { readonly listening: false; readonly exit: ProcessExit; readonly lines: readonly string[] }

/**
 * Starts the echo server of `targets` on the Unix socket `path` (with `--log-level info` and the
 * targets' own arguments) and waits until it listens or exits.
 */
export async function launchUnixServer(
  targets: Targets,
  path: string,
  timeoutMs = 15_000,
): Promise<UnixServerLaunch> {
  const child = spawnNode(targets.serverScript, [
    '--unix',
    path,
    '--log-level',
    'info',
    ...(targets.serverArgs ?? []),
  ])
  const lines: string[] = []
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }))
  let onListening: () => void = () => undefined
  const listening = new Promise<'listening'>((resolve) => {
    onListening = () => resolve('listening')
  })
  const keep = (line: string): void => {
    lines.push(line)
    if (LISTENING.exec(line)?.[1] === path) {
      onListening()
    }
  }
  if (child.stderr == null || child.stdout == null || child.pid == null) {
    throw new Error('the server process has no pid or output pipes')
  }
  // Both streams must be read to their end before an exit is judged on the lines.
  const drained = Promise.all([
    once(createInterface({ input: child.stderr }).on('line', keep), 'close'),
    once(createInterface({ input: child.stdout }).on('line', keep), 'close'),
  ])
  let timer: NodeJS.Timeout | undefined
  const outcome = await Promise.race([
    listening,
    exited,
    new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs)
    }),
  ])
  clearTimeout(timer)
  if (outcome === 'timeout') {
    child.kill('SIGKILL')
    throw new Error(
      `the server neither listened nor exited within ${timeoutMs} ms: ${lines.join(' | ')}`,
    )
  }
  if (outcome !== 'listening') {
    await drained
    return { listening: false, exit: outcome, lines }
  }
  const pid = child.pid
  return {
    listening: true,
    server: {
      pid,
      child,
      lines,
      exited,
      stop: async (graceMs = 5000) => {
        if (child.exitCode == null && child.signalCode == null) {
          child.kill('SIGTERM')
        }
        let stopTimer: NodeJS.Timeout | undefined
        const exit = await Promise.race([
          exited,
          new Promise<undefined>((resolve) => {
            stopTimer = setTimeout(() => resolve(undefined), graceMs)
          }),
        ])
        clearTimeout(stopTimer)
        if (exit !== undefined) {
          return exit
        }
        child.kill('SIGKILL')
        return exited
      },
    },
  }
}
