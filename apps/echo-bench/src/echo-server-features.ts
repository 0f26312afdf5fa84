import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

/** The workspace's build of `echo-server`, which the bench measures unless told otherwise. */
export const WORKSPACE_ECHO_SERVER: string = join(
  dirname(createRequire(import.meta.url).resolve('@wirekit/echo-server/package.json')),
  'dist/main.js',
)

/** The `echo-server` the bench measures, and the options its `--help` lists. */
export interface EchoServerBuild {
  /** Its entry point, run with a Node binary. */
  readonly path: string
  /** Every `--option` its usage names: `--unix`, `--workers`, `--proxy-protocol`... */
  readonly flags: ReadonlySet<string>
}

/**
 * Finds out what an `echo-server` build can do from its own `--help` (as one would check
 * `node --help` for a flag): the bench runs what it has and leaves the rest out with a note.
 * @throws Error when it does not run or prints no usage.
 */
export function probeEchoServer(path: string, node: string = process.execPath): EchoServerBuild {
  let usage: string
  try {
    usage = execFileSync(node, [path, '--help'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    })
  } catch (error) {
    throw new Error(
      `${path} --help did not run: ${(error as Error).message.split('\n')[0] ?? ''}`,
      {
        cause: error,
      },
    )
  }
  const flags = new Set(usage.match(/--[a-z][a-z0-9-]*/g) ?? [])
  if (!flags.has('--port')) {
    throw new Error(`${path} --help lists no --port: is it an echo-server?`)
  }
  return { path, flags }
}
