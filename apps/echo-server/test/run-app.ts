import { spawn, type ChildProcessByStdio } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import type { Readable } from 'node:stream'

/** The built entry points the e2e tests run, as users do. */
export const serverBin = fileURLToPath(new URL('../dist/main.js', import.meta.url))

/** A running echo server: its port, its log so far, and a way to wait for its exit. */
export interface RunningServer {
  readonly child: ChildProcessByStdio<null, Readable, Readable>
  readonly port: number
  log(): string
  exit(): Promise<number | null>
}

/** Starts the built echo server and waits for its "starting up" line. */
export async function startServer(args: readonly string[]): Promise<RunningServer> {
  const child = spawn(process.execPath, [serverBin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  const exited = once(child, 'exit').then(([code]) => code as number | null)
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      log += chunk
      const match = /^main: starting up on \S+ port (\d+)$/m.exec(log)
      if (match?.[1] !== undefined) {
        resolve(Number(match[1]))
      }
    })
    void exited.then((code) => {
      reject(new Error(`echo-server exited with ${String(code)} before listening:\n${log}`))
    })
  })
  return { child, port, log: () => log, exit: () => exited }
}

/** Runs a command to its end and gives its exit code and output. */
export async function run(
  args: readonly string[],
  input?: Buffer,
): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] })
  const stdout: Buffer[] = []
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  child.stdin.end(input)
  const [code] = (await once(child, 'exit')) as [number | null]
  return { code, stdout: Buffer.concat(stdout), stderr }
}
