#!/usr/bin/env node
/**
 * The seed's demo: start the echo server, run the echo client three times against it, stop the
 * server, and show both logs, as the "Output" section of the PyMOTW article does; over TCP, or
 * with `--tls`, `--udp` or `--unix`.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { EXIT, runCli } from '@wirekit/app-support'
import { demoMode, USAGE, type DemoMode } from './demo-modes.ts'

const require = createRequire(import.meta.url)

function binOf(app: string): string {
  return join(dirname(require.resolve(`@wirekit/${app}/package.json`)), 'dist', 'main.js')
}

function section(title: string, log: string): void {
  process.stdout.write(`\n$ ${title}\n${log.trimEnd()}\n`)
}

async function runClient(args: readonly string[]): Promise<{ code: number | null; log: string }> {
  const child = spawn(process.execPath, [binOf('echo-client'), ...args], {
    stdio: ['ignore', 'inherit', 'pipe'],
  })
  let log = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (log += chunk))
  const [code] = (await once(child, 'exit')) as [number | null]
  return { code, log }
}

async function runDemo(mode: DemoMode): Promise<number> {
  const server = spawn(process.execPath, [binOf('echo-server'), ...mode.serverArgs], {
    stdio: ['ignore', 'inherit', 'pipe'],
  })
  let serverLog = ''
  const lines = createInterface({ input: server.stderr })
  const where = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      serverLog += `${line}\n`
      const match = /^main: starting up on (.+)$/.exec(line)
      if (match?.[1] !== undefined) {
        resolve(match[1])
      }
    })
    server.once('exit', () => {
      reject(new Error(`the echo server stopped before listening:\n${serverLog}`))
    })
  })

  process.stdout.write(
    `The echo server listens on ${where} (${mode.name}); the client runs three times.\n`,
  )
  let failed = 0
  for (let run = 1; run <= 3; run++) {
    const args = mode.clientArgs(where)
    const { code, log } = await runClient(args)
    section(`echo-client ${args.join(' ')}    # run ${run}, exit status ${code ?? 'none'}`, log)
    failed += code === 0 ? 0 : 1
  }
  server.kill('SIGINT')
  const [serverCode] = (await once(server, 'exit')) as [number | null]
  section(
    `echo-server ${mode.serverArgs.join(' ')}    # stopped with SIGINT, exit status ${serverCode ?? 'none'}`,
    serverLog,
  )
  if (failed > 0 || serverCode !== 0) {
    process.stderr.write('error: the demo did not run cleanly\n')
    return EXIT.failure
  }
  return EXIT.ok
}

await runCli(USAGE, async () => {
  const mode = demoMode(process.argv.slice(2))
  if (mode === undefined) {
    process.stdout.write(USAGE)
    return EXIT.ok
  }
  try {
    return await runDemo(mode)
  } finally {
    mode.cleanup()
  }
})
