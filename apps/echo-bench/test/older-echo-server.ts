import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Writes a stand-in for an older `echo-server` build, from before `--workers` and
 * `--proxy-protocol`: its `--help` lists only the flags every build has. The bench reads
 * `--help` before it starts anything, so the stand-in never has to serve.
 * @returns Its path, to give `pnpm bench --echo-server`.
 */
export function writeOlderEchoServer(folder: string): string {
  const path = join(folder, 'older-echo-server.mjs')
  writeFileSync(
    path,
    `if (process.argv.includes('--help')) {
  console.log('usage: echo-server [--host HOST] [--port PORT] [--log-level LEVEL] [--unix PATH] [--udp]')
} else {
  process.stderr.write('error: this stand-in only answers --help\\n')
  process.exitCode = 1
}
`,
  )
  return path
}
