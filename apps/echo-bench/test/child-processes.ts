import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { startServer, type RunningServer } from '../src/servers.ts'

/** The built load generator. */
export const GENERATOR = fileURLToPath(new URL('../dist/main.js', import.meta.url))

const running: RunningServer[] = []

/** Stops every server started by {@link startListening} (call it in `afterEach`). */
export async function stopServers(): Promise<void> {
  await Promise.all(running.splice(0).map((server) => server.stop()))
}

/** Starts a server that prints `... port N` on standard error, as every compared server does. */
export async function startListening(
  command: string,
  args: readonly string[],
): Promise<RunningServer> {
  const server = await startServer({ name: command, kind: 'c', runtime: '', command, args })
  running.push(server)
  return server
}

/**
 * Runs a command to its end and collects its output.
 * @param deadlineMs - Kills it if it has not ended by then, and throws with what it printed: a
 *   hang then says where it stopped, which a test's own timeout does not.
 */
export async function runToEnd(
  command: string,
  args: readonly string[],
  deadlineMs?: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const deadline = { passed: false }
  const timer =
    deadlineMs === undefined
      ? undefined
      : setTimeout(() => {
          deadline.passed = true
          child.kill('SIGKILL')
        }, deadlineMs)
  let code: number | null
  try {
    // 'close', not 'exit': by then everything it printed has been read.
    ;[code] = (await once(child, 'close')) as [number | null]
  } finally {
    clearTimeout(timer)
  }
  if (deadline.passed) {
    throw new Error(
      `${args.join(' ')} was killed at its ${deadlineMs} ms deadline; stdout: ${JSON.stringify(stdout)}, stderr: ${JSON.stringify(stderr)}`,
    )
  }
  return { code, stdout, stderr }
}
