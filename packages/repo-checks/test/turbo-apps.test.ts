import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { StartedProcess } from '@wirekit/app-support/testing'
import { stopTree } from './process-tree.ts'
import { throwawayCopy, type ThrowawayCopy } from './throwaway-copy.ts'

// The apps as the README runs them, through turbo, in a copy of the repository with nothing
// built yet (turbo must build what each app needs first). The copy matters: turbo hashes the
// arguments after `--` into every task it runs, builds included, so `turbo run start -- ARGS`
// rebuilds the app's dependencies for each new ARGS, which would rewrite dist/ files under the
// feet of the other packages' tests.

const SEED_TRANSCRIPT = (port: number): string[] => [
  'main: waiting for client to complete',
  `EchoClient: connecting to 127.0.0.1 port ${port}`,
  "EchoClient: sending b'This is the message. '",
  "EchoClient: sending b'It will be sent '",
  "EchoClient: sending b'in parts.'",
  "EchoClient: received b'This is the message. It will be sent in parts.'",
  'EchoClient: received EOF',
  'main: closing event loop',
]

/**
 * The lines of the apps' own logs in what turbo printed: its lines and prefixes left out, and
 * the echo received in several reads (TCP may split it) joined into one line.
 */
function appLines(output: string): string[] {
  const lines = output
    .split('\n')
    .map((line) => line.replace(/^@wirekit\/[\w-]+:[\w:-]+: /, ''))
    .filter((line) => /^(main|EchoClient|error): /.test(line))
  const received = /^EchoClient: received b'(.*)'$/
  return lines.reduce<string[]>((joined, line) => {
    const previous = received.exec(joined.at(-1) ?? '')?.[1]
    const current = received.exec(line)?.[1]
    if (previous !== undefined && current !== undefined) {
      joined[joined.length - 1] = `EchoClient: received b'${previous}${current}'`
    } else {
      joined.push(line)
    }
    return joined
  }, [])
}

/** A port that was free a moment ago (for the runs whose arguments must be known in advance). */
async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1')
  await once(probe, 'listening')
  const address = probe.address()
  probe.close()
  await once(probe, 'close')
  return typeof address === 'object' && address != null ? address.port : 0
}

const STARTED = /main: starting up on 127\.0\.0\.1 port (\d+)/

let copy: ThrowawayCopy
const running: StartedProcess[] = []
/**
 * The arguments of the runs through `turbo run start` and `turbo watch start`: the same for every
 * app and run, so that each finds the dependencies built by the one before in turbo's cache.
 */
let args: string[]

beforeAll(async () => {
  copy = await throwawayCopy()
  args = ['--host', '127.0.0.1', '--port', String(await freePort())]
})

afterEach(async () => {
  for (const process of running.splice(0)) {
    await stopTree(process)
  }
})

afterAll(() => {
  copy.remove()
})

/** Starts a command that serves (in its own process group) and waits for the server's line. */
async function serve(
  pnpmArgs: readonly string[],
): Promise<{ server: StartedProcess; port: number }> {
  const server = copy.start('pnpm', pnpmArgs)
  running.push(server)
  const port = Number(await server.waitForStdout(STARTED))
  return { server, port }
}

/** Stops a server the way Ctrl-C does (SIGINT to its process group) and gives its output. */
async function interrupt(server: StartedProcess): Promise<string> {
  running.splice(running.indexOf(server), 1)
  await stopTree(server)
  return server.stdout().toString()
}

describe('the apps through turbo, built first, arguments passed through', () => {
  it('pnpm turbo run start --filter=... -- ARGS, as the README writes it, for both apps', async () => {
    const turbo = (app: string): string[] => [
      'turbo',
      'run',
      'start',
      `--filter=${app}`,
      '--',
      ...args,
    ]
    const serverDist = join(copy.dir, 'apps/echo-server/dist/main.js')
    expect(existsSync(serverDist)).toBe(false)
    const { server, port } = await serve(turbo('@wirekit/echo-server'))
    expect(existsSync(serverDist)).toBe(true)
    expect(String(port)).toBe(args[3])
    const client = await copy.start('pnpm', turbo('@wirekit/echo-client')).finished
    expect(appLines(client.stdout.toString())).toEqual(SEED_TRANSCRIPT(port))
    expect(client.code).toBe(0)
    await interrupt(server)
  })

  it('pnpm server and pnpm client: the seed transcript, the exit codes, a graceful Ctrl-C', async () => {
    const { server, port } = await serve([
      'server',
      '--',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--log-level',
      'info',
    ])

    const client = await copy.start('pnpm', [
      'client',
      '--',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
    ]).finished
    expect(appLines(client.stdout.toString())).toEqual(SEED_TRANSCRIPT(port))
    expect(client.code).toBe(0)

    const closed = await freePort()
    const refused = await copy.start('pnpm', [
      'client',
      '--',
      '--host',
      '127.0.0.1',
      '--port',
      String(closed),
    ]).finished
    expect(appLines(refused.stdout.toString())).toContain(
      `error: cannot connect to 127.0.0.1 port ${closed}: connection refused (ECONNREFUSED)`,
    )
    expect(refused.code).toBe(1)

    const usage = await copy.start('pnpm', ['client', '--', '--port', '0']).finished
    expect(appLines(usage.stdout.toString())).toContain(
      'error: --port must be a port number from 1 to 65535, got "0"',
    )
    expect(usage.code).toBe(2)

    const log = appLines(await interrupt(server))
    expect(log.slice(-2)).toEqual(['main: closing server', 'main: closing event loop'])
  })

  it('pnpm dev rebuilds a changed dependency and restarts the server with it', async () => {
    const { server, port } = await serve(['dev', '--', ...args])
    const stderrModule = join(copy.dir, 'packages/app-support/src/stderr.ts')
    const source = readFileSync(stderrModule, 'utf8')
    const changed = source.replace(
      'process.stderr.write(text)',
      "process.stderr.write(text.replace('starting up', 'starting up again'))",
    )
    expect(changed).not.toBe(source)
    writeFileSync(stderrModule, changed)
    const again = await server.waitForStdout(/main: starting up again on 127\.0\.0\.1 port (\d+)/)
    expect(Number(again)).toBe(port)
    const log = appLines(await interrupt(server))
    // The first server was stopped as Ctrl-C stops it before the rebuilt one started.
    expect(log.indexOf('main: closing event loop')).toBeLessThan(
      log.findIndex((line) => line.includes('starting up again')),
    )
    expect(log[0]).toBe(`main: starting up on 127.0.0.1 port ${port}`)
  })
})
