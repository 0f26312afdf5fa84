import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { parsePlan } from '../src/bench-args.ts'
import { unixServerSpecs } from '../src/unix-servers.ts'
import { startServer, type RunningServer } from '../src/servers.ts'

const generator = fileURLToPath(new URL('../dist/main.js', import.meta.url))
const folder = mkdtempSync(join(tmpdir(), 'wirekit-bench-unix-'))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

const running: RunningServer[] = []
afterEach(async () => {
  for (const server of running.splice(0)) {
    await server.stop()
  }
})

async function load(args: readonly string[]): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, [generator, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let stdout = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  const [code] = (await once(child, 'exit')) as [number | null]
  return { code, stdout }
}

describe('echo-bench over Unix domain sockets', () => {
  const { specs } = unixServerSpecs(folder)

  it.each(specs.map((spec) => [spec.name, spec] as const))(
    '%s starts on its path and the generator loads it byte-exact (--unix)',
    async (_name, spec) => {
      const server = await startServer(spec)
      running.push(server)
      expect(server.target).toEqual(['--unix', spec.path])
      const { code, stdout } = await load([
        ...server.target,
        '--count',
        '300',
        '--size',
        '10240',
        '--connections',
        '3',
        '--warmup',
        '0',
        '--json',
      ])
      expect(code).toBe(0)
      expect(JSON.parse(stdout)).toMatchObject({
        requests: 300,
        options: { path: spec.path, size: 10240 },
      })
    },
  )

  it('pnpm bench takes --transport unix, and refuses another transport', () => {
    expect(parsePlan(['--transport', 'unix']).transport).toBe('unix')
    expect(parsePlan([]).transport).toBe('tcp')
    expect(() => parsePlan(['--transport', 'udp'])).toThrow(
      '--transport must be tcp or unix, got "udp"',
    )
  })

  it('the generator refuses --unix with --port', async () => {
    const child = spawn(process.execPath, [generator, '--unix', '/tmp/x', '--port', '1'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const [code] = (await once(child, 'exit')) as [number | null]
    expect(code).toBe(2)
    expect(stderr.split('\n')[0]).toBe('error: --unix cannot be combined with --host or --port')
  })
})
