import { afterEach, describe, expect, it } from 'vitest'
import { probeEchoServer, WORKSPACE_ECHO_SERVER } from '../src/echo-server-features.ts'
import type { LoadResult } from '../src/load-options.ts'
import { choosePython } from '../src/python.ts'
import { proxyServers, workerServers } from '../src/scale-out-servers.ts'
import { datagramServers, tlsServers, type SectionTools } from '../src/section-servers.ts'
import { startServer, type RunningServer, type ServerSpec } from '../src/servers.ts'
import { GENERATOR, runToEnd } from './child-processes.ts'

const running: RunningServer[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.stop()))
})

const PYTHON = { path: '/usr/bin/python3', version: '3.11.2', uvloop: '0.17.0' }

/** Tools with an echo-server whose --help lists `flags`. */
function tools(flags: readonly string[]): SectionTools {
  return {
    echoServer: { path: '/e/main.js', flags: new Set(['--host', '--port', ...flags]) },
    python: PYTHON,
    unixDirectory: '/tmp/x',
  }
}

/** Starts a spec and loads it briefly as the bench would, with its generator options. */
async function loadBriefly(spec: ServerSpec, size: number): Promise<LoadResult> {
  const server = await startServer(spec)
  running.push(server)
  const { code, stdout, stderr } = await runToEnd(process.execPath, [
    GENERATOR,
    ...server.target,
    ...['--server-pid', String(server.pid), '--size', String(size), '--count', '300'],
    ...['--connections', '3', '--warmup', '0', '--json'],
    ...(spec.load ?? []),
  ])
  expect(stderr).toBe('')
  expect(code).toBe(0)
  return JSON.parse(stdout) as LoadResult
}

describe('the TLS comparison', () => {
  it("runs echo-server's --tls-cert once it has it, the bench's own server until then", () => {
    const native = tlsServers(tools(['--tls-cert', '--tls-key']))
    expect(native.notes).toEqual([])
    expect(native.specs.map((s) => [s.name, s.kind])).toEqual([
      ['wirekit', 'wirekit'],
      ['raw node:tls', 'raw'],
      ['asyncio', 'asyncio'],
      ['uvloop', 'uvloop'],
    ])
    expect(native.specs[0]?.args.slice(0, 8)).toEqual([
      '/e/main.js',
      ...['--host', '127.0.0.1', '--port', '0', '--log-level', 'warn', '--tls-cert'],
    ])
    const fallback = tlsServers(tools([]))
    expect(fallback.specs[0]?.args[0]).toMatch(/dist\/wirekit-tls-echo-server\.js$/)
    expect(fallback.notes[0]).toMatch(/^wirekit over TLS: this echo-server has no --tls-cert yet/)
    // The same certificate for every server, and --tls for the generator.
    for (const spec of native.specs) {
      expect(spec.args.join(' ')).toMatch(
        /--tls-cert \S+server-cert\.pem --tls-key \S+server-key\.pem/,
      )
      expect(spec.load).toEqual(['--tls'])
    }
  })

  const real = tlsServers({
    echoServer: probeEchoServer(WORKSPACE_ECHO_SERVER),
    python: choosePython(),
    unixDirectory: '/tmp/x',
  })
  it.each(real.specs.map((spec) => [spec.name, spec] as const))(
    '%s echoes over TLS 1.3 with the pinned suite',
    async (_name, spec) => {
      const result = await loadBriefly(spec, 10240)
      expect(result.requests).toBe(300)
      expect(result.tls).toEqual({ protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' })
    },
  )
})

describe('the UDP comparison', () => {
  it("runs echo-server's --udp once it has it, the bench's own endpoint until then", () => {
    const native = datagramServers(tools(['--udp']))
    expect(native.specs.map((s) => s.name)).toEqual(['wirekit', 'raw dgram', 'asyncio', 'uvloop'])
    expect(native.specs[0]?.args.at(-1)).toBe('--udp')
    const fallback = datagramServers(tools([]))
    expect(fallback.specs[0]?.args[0]).toMatch(/dist\/wirekit-datagram-echo-server\.js$/)
    expect(fallback.notes[0]).toMatch(/^wirekit datagrams: this echo-server has no --udp yet/)
  })

  const real = datagramServers({
    echoServer: probeEchoServer(WORKSPACE_ECHO_SERVER),
    python: choosePython(),
    unixDirectory: '/tmp/x',
  })
  it.each(real.specs.map((spec) => [spec.name, spec] as const))(
    '%s echoes 1200-byte datagrams',
    async (_name, spec) => {
      const result = await loadBriefly(spec, 1200)
      expect(result.requests).toBe(300)
      expect(result.datagrams?.sent).toBeGreaterThan(0)
    },
  )
})

describe('several cores and the PROXY header', () => {
  it('compare --workers 2 with --workers 1 when echo-server has --workers, else say why not', () => {
    expect(
      workerServers(tools(['--workers'])).specs.map((s) => [s.name, s.workers, s.args.slice(-2)]),
    ).toEqual([
      ['wirekit, 1 worker', 1, ['--workers', '1']],
      ['wirekit, 2 workers', 2, ['--workers', '2']],
    ])
    expect(workerServers(tools([]))).toEqual({
      specs: [],
      notes: [
        'several cores: skipped, this echo-server has no --workers yet (its --help does not list it)',
      ],
    })
  })

  it('compare connections with and without a PROXY header when echo-server takes one', () => {
    const { specs } = proxyServers(tools(['--proxy-protocol', '--trusted-proxy']))
    expect(specs.map((s) => [s.name, s.args.slice(7), s.load])).toEqual([
      ['wirekit, no header', [], ['--reconnect']],
      [
        'wirekit, PROXY v1',
        ['--proxy-protocol', '--trusted-proxy', '127.0.0.1'],
        ['--reconnect', '--proxy-header', 'v1'],
      ],
      [
        'wirekit, PROXY v2',
        ['--proxy-protocol', '--trusted-proxy', '127.0.0.1'],
        ['--reconnect', '--proxy-header', 'v2'],
      ],
    ])
    expect(proxyServers(tools(['--proxy-protocol'])).notes).toEqual([
      'PROXY header cost: skipped, this echo-server has no --proxy-protocol and --trusted-proxy yet (its --help does not list them)',
    ])
  })
})
