import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer, type Server } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { GENERATOR, runToEnd, startListening, stopServers } from './child-processes.ts'

const rawServer = fileURLToPath(new URL('../dist/raw-echo-server.js', import.meta.url))

const cleanups: (() => void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) {
    cleanup()
  }
  await stopServers()
})

/** Runs the built load generator with `args` to its end. */
async function run(
  args: readonly string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runToEnd(process.execPath, [GENERATOR, ...args])
}

/** Starts the bench's raw node:net echo server; gives its port. */
async function startRaw(): Promise<number> {
  return (await startListening(process.execPath, [rawServer])).port
}

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  cleanups.push(() => server.close())
  const address = server.address()
  return typeof address === 'object' && address != null ? address.port : 0
}

describe('echo-bench load generator', () => {
  it('measures exactly --count requests and reports them as one JSON object', async () => {
    const port = await startRaw()
    const { code, stdout } = await run([
      '--port',
      String(port),
      '--count',
      '500',
      '--size',
      '4096',
      '--connections',
      '4',
      '--warmup',
      '0',
      '--json',
    ])
    expect(code).toBe(0)
    const result = JSON.parse(stdout) as Record<string, unknown> & {
      latency: Record<string, unknown>
    }
    expect(result).toMatchObject({
      requests: 500,
      options: { port, size: 4096, connections: 4, count: 500 },
    })
    expect(Object.keys(result.latency)).toEqual(['p50', 'p90', 'p99', 'max'])
    expect(
      Object.values(result.latency).every((value) => typeof value === 'number' && value > 0),
    ).toBe(true)
    expect(result.requestsPerSecond).toBeGreaterThan(0)
    expect(result.generatorCpu).toBeGreaterThan(0)
  })

  it('fails, without a figure, when the server corrupts an echo', async () => {
    const corrupting = createServer((socket) => {
      socket.on('error', () => undefined) // the generator hangs up on the mismatch
      let sent = 0
      socket.on('data', (chunk: Buffer) => {
        const copy = Buffer.from(chunk)
        sent += copy.length
        if (sent > 20_000) {
          copy[0] = (copy[0] ?? 0) ^ 0xff // one flipped byte, after a few good echoes
        }
        socket.write(copy)
      })
    })
    const port = await listen(corrupting)
    const { code, stdout, stderr } = await run([
      '--port',
      String(port),
      '--count',
      '1000',
      '--warmup',
      '0',
      '--json',
    ])
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toMatch(/^error: echo mismatch at byte \d+ of a 1024-byte message\n$/)
  })

  it('fails, without a figure, when no echo completes in the measured time', async () => {
    const silent = createServer((socket) => socket.on('error', () => undefined))
    const port = await listen(silent)
    const { code, stdout, stderr } = await run([
      ...['--port', String(port), '--duration', '0.3', '--warmup', '0', '--json'],
    ])
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toMatch(/^error: no echo completed in the 0\.\d s measured\n$/)
  })

  it('fails with one line, and ends, when the --server-pid process is not running', async () => {
    const port = await startRaw()
    const unused = 2 ** 22 + 12345 // above the kernel's largest process id
    const { code, stdout, stderr } = await run([
      ...['--port', String(port), '--server-pid', String(unused)],
      ...['--count', '100', '--warmup', '0', '--json'],
    ])
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toBe(`error: the server's process ${unused} (--server-pid) is not running\n`)
  })

  it('fails with one line when the --server-pid process ends during a timed run', async () => {
    // A stand-in for the server's process, killed a second after the generator's first connection:
    // in the middle of the measured 3 s, which start once its connections are up.
    const stand = spawn('sleep', ['30'], { stdio: 'ignore' })
    cleanups.push(() => stand.kill())
    let killing: NodeJS.Timeout | undefined
    const echo = createServer((socket) => {
      socket.on('error', () => undefined) // the generator hangs up when the run fails
      socket.pipe(socket)
      killing ??= setTimeout(() => stand.kill('SIGKILL'), 1000)
    })
    cleanups.push(() => clearTimeout(killing))
    const port = await listen(echo)
    const { code, stdout, stderr } = await run([
      ...['--port', String(port), '--server-pid', String(stand.pid)],
      ...['--duration', '3', '--warmup', '0', '--json'],
    ])
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toBe(`error: the server's process ${stand.pid} (--server-pid) is not running\n`)
  })

  it.each([
    [[], 'error: --port is required'],
    [['--port', '0'], 'error: --port must be a port number from 1 to 65535, got "0"'],
    [
      ['--port', '80', '--count', '5', '--duration', '2'],
      'error: --count and --duration cannot be used together',
    ],
    [
      ['--port', '80', '--size', '0'],
      'error: --size must be a whole number from 1 to 2147483647, got "0"',
    ],
  ])('refuses %j with one line and the usage, exit 2', async (args, line) => {
    const { code, stderr } = await run(args)
    expect(code).toBe(2)
    expect(stderr.split('\n').slice(0, 2)).toEqual([
      line,
      'usage: echo-bench --port PORT [options]',
    ])
  })
})
