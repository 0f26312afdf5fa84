import { fileURLToPath } from 'node:url'
import { runNode, startProcess, type StartedProcess } from '@wirekit/app-support/testing'

/** The built entry points the e2e tests run, as users do. */
export const serverBin = fileURLToPath(new URL('../dist/main.js', import.meta.url))

/** A running echo server: its port, its log so far, and a way to wait for its exit. */
export interface RunningServer {
  readonly child: StartedProcess['child']
  readonly port: number
  log(): string
  /** Waits for a line of the log; gives its first capture group. */
  waitForLog(pattern: RegExp): Promise<string>
  exit(): Promise<number | null>
}

/** Starts the built echo server and waits for its "starting up" line. */
export async function startServer(
  args: readonly string[],
  env?: NodeJS.ProcessEnv,
): Promise<RunningServer> {
  const started = startProcess(
    process.execPath,
    [serverBin, ...args],
    undefined,
    env === undefined ? {} : { env },
  )
  const port = Number(await started.waitForStderr(/^main: starting up on \S+ port (\d+)$/m))
  return {
    child: started.child,
    port,
    log: () => started.stderr(),
    waitForLog: (pattern) => started.waitForStderr(pattern),
    exit: async () => (await started.finished).code,
  }
}

/** Runs a Node script to its end and gives its exit code and output. */
export const run = runNode
