import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The built client, and the built server it talks to, run as users run them. */
export const clientBin = fileURLToPath(new URL('../dist/main.js', import.meta.url))
export const serverBin = join(
  dirname(createRequire(import.meta.url).resolve('@wirekit/echo-server/package.json')),
  'dist/main.js',
)

/** A process's exit code and output. */
export interface Finished {
  readonly code: number | null
  readonly stdout: Buffer
  readonly stderr: string
}

/** A started process: waits for a line on stderr, or for its end. */
export interface Started {
  readonly kill: () => void
  readonly stderr: () => string
  readonly finished: Promise<Finished>
}

/** Starts `command` with `args`; `input` goes to its standard input. */
export function start(command: string, args: readonly string[], input?: Buffer): Started {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] })
  const stdout: Buffer[] = []
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  child.stdin.on('error', () => undefined)
  child.stdin.end(input)
  const finished = once(child, 'exit').then(([code]) => ({
    code: code as number | null,
    stdout: Buffer.concat(stdout),
    stderr,
  }))
  return { kill: () => child.kill('SIGKILL'), stderr: () => stderr, finished }
}

/** Runs a Node script to its end. */
export function runNode(args: readonly string[], input?: Buffer): Promise<Finished> {
  return start(process.execPath, args, input).finished
}

/** Waits until the process's stderr matches `pattern`, and gives the first group. */
export async function waitForLine(started: Started, pattern: RegExp): Promise<string> {
  for (;;) {
    const match = pattern.exec(started.stderr())
    if (match?.[1] !== undefined) {
      return match[1]
    }
    const ended = await Promise.race([
      started.finished.then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 20)),
    ])
    if (ended && pattern.exec(started.stderr()) == null) {
      throw new Error(`the process ended before printing ${String(pattern)}:\n${started.stderr()}`)
    }
  }
}
