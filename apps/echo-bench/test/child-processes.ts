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

/** Runs a command to its end and collects its output. */
export async function runToEnd(
  command: string,
  args: readonly string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const [code] = (await once(child, 'exit')) as [number | null]
  return { code, stdout, stderr }
}
