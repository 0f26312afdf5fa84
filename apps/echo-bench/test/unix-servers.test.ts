import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { probeEchoServer, WORKSPACE_ECHO_SERVER } from '../src/echo-server-features.ts'
import { choosePython } from '../src/python.ts'
import { unixServers } from '../src/section-servers.ts'
import { startServer, type RunningServer } from '../src/servers.ts'
import { GENERATOR, runToEnd } from './child-processes.ts'

const folder = mkdtempSync(join(tmpdir(), 'bench-unix-'))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

const running: RunningServer[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.stop()))
})

describe('the Unix-socket comparison', () => {
  const echoServer = probeEchoServer(WORKSPACE_ECHO_SERVER)
  const { specs, notes } = unixServers({
    echoServer,
    python: choosePython(),
    unixDirectory: folder,
  })

  it('compares wirekit with raw node:net and asyncio (and uvloop where Python has it)', () => {
    const names = specs.map((spec) => spec.name)
    expect(names.slice(0, 3)).toEqual(['wirekit', 'raw node:net', 'asyncio'])
    expect(names.length === 4 || notes.some((note) => note.startsWith('uvloop: skipped'))).toBe(
      true,
    )
    expect(specs[0]?.args).toEqual([
      WORKSPACE_ECHO_SERVER,
      ...['--unix', join(folder, 'wirekit.sock'), '--log-level', 'warn'],
    ])
  })

  it.each(specs.map((spec) => [spec.name, spec] as const))(
    '%s starts on its own path and the generator loads it byte-exact (--unix), its CPU too',
    async (_name, spec) => {
      const server = await startServer(spec)
      running.push(server)
      expect(server.target).toEqual(['--unix', spec.unixPath])
      const { code, stdout, stderr } = await runToEnd(process.execPath, [
        GENERATOR,
        ...server.target,
        ...['--server-pid', String(server.pid), '--count', '300', '--size', '10240'],
        ...['--connections', '3', '--warmup', '0', '--json'],
      ])
      expect(stderr).toBe('')
      expect(code).toBe(0)
      expect(JSON.parse(stdout)).toMatchObject({
        requests: 300,
        options: { path: spec.unixPath, size: 10240 },
        serverCpu: { userSeconds: expect.any(Number) as number },
      })
    },
  )

  it('is skipped with a note by an echo-server without --unix', () => {
    const older = { path: '/e/main.js', flags: new Set(['--port', '--host']) }
    expect(unixServers({ echoServer: older, python: undefined, unixDirectory: folder })).toEqual({
      specs: [],
      notes: ['Unix sockets: skipped, this echo-server has no --unix'],
    })
  })
})
