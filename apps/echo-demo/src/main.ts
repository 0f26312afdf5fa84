#!/usr/bin/env node
/**
 * The seed's demo: start the echo server, run the echo client three times against it, stop the
 * server, and show both logs, as the "Output" section of the PyMOTW article does.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'

const require = createRequire(import.meta.url)

function binOf(app: string): string {
  return join(dirname(require.resolve(`@wirekit/${app}/package.json`)), 'dist', 'main.js')
}

function section(title: string, log: string): void {
  process.stdout.write(`\n$ ${title}\n${log.trimEnd()}\n`)
}

async function runClient(port: number): Promise<{ code: number | null; log: string }> {
  const child = spawn(process.execPath, [binOf('echo-client'), '--port', String(port)], {
    stdio: ['ignore', 'inherit', 'pipe'],
  })
  let log = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (log += chunk))
  const [code] = (await once(child, 'exit')) as [number | null]
  return { code, log }
}

const server = spawn(process.execPath, [binOf('echo-server'), '--port', '0'], {
  stdio: ['ignore', 'inherit', 'pipe'],
})
let serverLog = ''
const lines = createInterface({ input: server.stderr })
const port = await new Promise<number>((resolve, reject) => {
  lines.on('line', (line) => {
    serverLog += `${line}\n`
    const match = /^main: starting up on \S+ port (\d+)$/.exec(line)
    if (match?.[1] !== undefined) {
      resolve(Number(match[1]))
    }
  })
  server.once('exit', () => {
    reject(new Error(`the echo server stopped before listening:\n${serverLog}`))
  })
})

process.stdout.write(
  `The echo server listens on localhost port ${port}; the client runs three times.\n`,
)
let failed = 0
for (let run = 1; run <= 3; run++) {
  const { code, log } = await runClient(port)
  section(`echo-client --port ${port}    # run ${run}, exit status ${code ?? 'none'}`, log)
  failed += code === 0 ? 0 : 1
}
server.kill('SIGINT')
const [serverCode] = (await once(server, 'exit')) as [number | null]
section(
  `echo-server --port 0    # stopped with SIGINT, exit status ${serverCode ?? 'none'}`,
  serverLog,
)
if (failed > 0 || serverCode !== 0) {
  process.stderr.write('error: the demo did not run cleanly\n')
  process.exitCode = 1
}
