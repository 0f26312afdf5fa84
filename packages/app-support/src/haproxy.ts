/**
 * Starts a real HAProxy on loopback for interop tests: each frontend listens on a free port and
 * forwards TCP to a server of the test's, with `send-proxy`, `send-proxy-v2` or any other
 * `server` line options. Exported by `@wirekit/app-support/testing` for every package's tests: the
 * PROXY parser's, the transport's and the apps' end-to-end tests.
 *
 * HAProxy cannot bind port 0 and tell us the port, so a free port is found by binding port 0 in
 * Node and closing it; if another process takes it meanwhile, HAProxy fails with EADDRINUSE and
 * the start is retried with new ports. HAProxy runs in master-worker mode (`-W -db`, foreground)
 * because its master prints `Loading success.` once every listener is bound: that line, not a
 * timer, says it is ready.
 * @example
 * ```ts
 * const plan = planHAProxyTests('echo-server')
 * describe.skipIf(!plan.run)(`behind HAProxy (${plan.reason})`, () => {
 *   it('relays the client address', async () => {
 *     const haproxy = await startHAProxy([
 *       { bind: '127.0.0.1', server: { host: '127.0.0.1', port: serverPort }, serverOptions: 'send-proxy-v2' },
 *     ])
 *     try {
 *       const socket = connect(haproxy.ports[0], '127.0.0.1') // arrives at the server with a v2 header
 *     } finally {
 *       await haproxy.stop()
 *     }
 *   })
 * })
 * ```
 */
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** One HAProxy frontend (a listening address) and the backend server it forwards to. */
export interface HAProxyFrontend {
  /** The loopback address HAProxy listens on, such as `'127.0.0.1'` or `'::1'`; the port is free. */
  readonly bind: string
  /** Options after the `bind` address, such as `'ssl crt /tmp/x/site.pem alpn h2'`. */
  readonly bindOptions?: string
  /** Lines added to the frontend section, such as `'unique-id-format %{+X}o\\ %ci'`. */
  readonly frontendLines?: readonly string[]
  /** The server HAProxy connects to for each client, usually the test's own server. */
  readonly server: { readonly host: string; readonly port: number }
  /**
   * Options of the `server` line: `'send-proxy'` (v1), `'send-proxy-v2'`,
   * `'send-proxy-v2 proxy-v2-options crc32c,authority'`, `'send-proxy-v2-ssl-cn'`, or with
   * `'check inter 200ms'` for health checks (LOCAL headers with v2).
   */
  readonly serverOptions: string
}

/** A running HAProxy. */
export interface HAProxyInstance {
  /** The port of each frontend, in the order given. */
  readonly ports: readonly number[]
  /** The configuration file's text, for failure messages. */
  readonly config: string
  /** What HAProxy printed so far (both streams). */
  output(): string
  /** Stops it (SIGTERM, then SIGKILL after `timeoutMs`), waits for its exit, removes its files. */
  stop(timeoutMs?: number): Promise<void>
}

/** Options of {@link startHAProxy}. */
export interface StartHAProxyOptions {
  /** The `haproxy` executable. @default 'haproxy' */
  readonly executable?: string
  /** Starts to try when a port was taken meanwhile. @default 5 */
  readonly attempts?: number
  /** How long to wait for `Loading success.` on each start. @default 15000 */
  readonly readyTimeoutMs?: number
}

/**
 * The version line of the installed HAProxy (`HAProxy version 2.6.12-1 ...`), or `undefined` when
 * `haproxy` cannot be run: tests skip then (locally), saying so.
 * @param executable - The `haproxy` executable.
 */
export function findHAProxy(executable = 'haproxy'): string | undefined {
  const result = spawnSync(executable, ['-v'], { encoding: 'utf8' })
  if (result.status !== 0) {
    return undefined
  }
  return /^HA-?Proxy version .*$/m.exec(result.stdout)?.[0] ?? result.stdout.split('\n')[0]
}

/** Whether a package's HAProxy tests run here, from {@link planHAProxyTests}. */
export interface HAProxyTestPlan {
  /** The installed HAProxy's version line, or `undefined` when `haproxy` cannot be run. */
  readonly version: string | undefined
  /**
   * `true` when the tests run: HAProxy is installed, or `WIREKIT_REQUIRE_HAPROXY=1` (as in CI)
   * says they must, so that a missing HAProxy fails them instead of skipping.
   */
  readonly run: boolean
  /** The version line, or why the tests skip (and how to install HAProxy): for titles and failures. */
  readonly reason: string
}

/** What to install when HAProxy is missing. */
export const HAPROXY_MISSING =
  'haproxy is not installed (apt-get update && apt-get install -y haproxy); with WIREKIT_REQUIRE_HAPROXY=1, as in CI, this fails instead'

/**
 * Decides whether a package's HAProxy tests run, and prints one line on standard error when they
 * are skipped (a skip is never silent). Inside the suite, assert `plan.version` is defined so
 * that `WIREKIT_REQUIRE_HAPROXY=1` without HAProxy fails.
 * @param label - Who skips, for the printed line, such as `'echo-server'`.
 * @param env - The environment to read `WIREKIT_REQUIRE_HAPROXY` from.
 */
export function planHAProxyTests(
  label: string,
  env: NodeJS.ProcessEnv = process.env,
): HAProxyTestPlan {
  const version = findHAProxy()
  const required = env.WIREKIT_REQUIRE_HAPROXY === '1'
  if (version == null && !required) {
    process.stderr.write(`${label}: skipping the HAProxy interop tests: ${HAPROXY_MISSING}\n`)
  }
  return { version, run: version != null || required, reason: version ?? HAPROXY_MISSING }
}

/**
 * Ports free right now, one per host and all different: each bound with port 0 by Node, then all
 * closed together (closing each at once could hand the same port out twice).
 */
export async function freePorts(hosts: readonly string[]): Promise<number[]> {
  const servers = hosts.map((host) => createServer().listen(0, host))
  try {
    await Promise.all(servers.map((server) => once(server, 'listening')))
    return servers.map((server) => (server.address() as AddressInfo).port)
  } finally {
    await Promise.all(
      servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
    )
  }
}

/** `host:port` as HAProxy writes it (IPv6 in brackets). */
function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}

function configFor(frontends: readonly HAProxyFrontend[], ports: readonly number[]): string {
  const lines = [
    'global',
    '  nbthread 1',
    // Without it a port taken by another HAProxy (another test) would be shared, not refused.
    '  noreuseport',
    'defaults',
    '  mode tcp',
    '  timeout connect 5s',
    '  timeout client 30s',
    '  timeout server 30s',
  ]
  frontends.forEach((frontend, i) => {
    lines.push(
      `frontend fe${i}`,
      `  bind ${hostPort(frontend.bind, ports[i] ?? 0)} ${frontend.bindOptions ?? ''}`.trimEnd(),
      ...(frontend.frontendLines ?? []).map((line) => `  ${line}`),
      `  default_backend be${i}`,
      `backend be${i}`,
      `  server s${i} ${hostPort(frontend.server.host, frontend.server.port)} ${frontend.serverOptions}`,
    )
  })
  return `${lines.join('\n')}\n`
}

/** One try: resolves with the instance, or `undefined` if a port was taken (then retry). */
async function tryStart(
  frontends: readonly HAProxyFrontend[],
  executable: string,
  readyTimeoutMs: number,
): Promise<HAProxyInstance | undefined> {
  const ports = await freePorts(frontends.map((frontend) => frontend.bind))
  const folder = mkdtempSync(join(tmpdir(), 'wirekit-haproxy-'))
  const config = configFor(frontends, ports)
  const file = join(folder, 'haproxy.cfg')
  writeFileSync(file, config)
  const child = spawn(executable, ['-W', '-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  )
  const ready = new Promise<void>((resolve) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8')
      if (output.includes('Loading success.')) {
        resolve()
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
  })
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), readyTimeoutMs)
  })
  const outcome = await Promise.race([ready.then(() => 'ready' as const), exited, timedOut])
  clearTimeout(timer)

  let stopped: Promise<void> | undefined
  const stop = (timeoutMs = 5000): Promise<void> => {
    stopped ??= (async () => {
      if (child.exitCode == null && child.signalCode == null) {
        child.kill('SIGTERM')
        const kill = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
        await exited
        clearTimeout(kill)
      }
      rmSync(folder, { recursive: true, force: true })
    })()
    return stopped
  }

  if (outcome === 'ready') {
    return { ports, config, output: () => output, stop }
  }
  await stop()
  if (outcome !== 'timeout' && output.includes('Address already in use')) {
    return undefined
  }
  throw new Error(
    `haproxy did not start (${outcome === 'timeout' ? `not ready in ${readyTimeoutMs} ms` : `exit code ${String(outcome)}`}):\n${output}\nconfiguration:\n${config}`,
  )
}

/**
 * Starts HAProxy with one frontend per entry, each on a free loopback port, and resolves once
 * every listener is bound. Retries with new ports when one was taken meanwhile; rejects with
 * HAProxy's output and configuration if it fails otherwise. Always `stop()` it (in `afterEach`).
 * @param frontends - The frontends and the servers they forward to.
 * @param options - Executable, attempts and ready timeout.
 */
export async function startHAProxy(
  frontends: readonly HAProxyFrontend[],
  options: StartHAProxyOptions = {},
): Promise<HAProxyInstance> {
  const { executable = 'haproxy', attempts = 5, readyTimeoutMs = 15_000 } = options
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const instance = await tryStart(frontends, executable, readyTimeoutMs)
    if (instance != null) {
      return instance
    }
  }
  throw new Error(
    `haproxy could not bind free ports in ${attempts} attempts (EADDRINUSE each time)`,
  )
}
