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
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePorts, hostPort } from './loopback-ports.ts'
import {
  failedStart,
  startOnFreePorts,
  startPeerProcess,
  type StartPeerOptions,
} from './peer-process.ts'

/** One HAProxy frontend (a listening address) and the backend server it forwards to. */
export interface HAProxyFrontend {
  /** The loopback address HAProxy listens on, such as `'127.0.0.1'` or `'::1'`; the port is free. */
  readonly bind: string
  /** Options after the `bind` address, such as `'ssl crt /tmp/x/site.pem alpn h2'`. */
  readonly bindOptions?: string
  /** Lines added to the frontend section, such as `'unique-id-format %{+X}o\\ %ci'`. */
  readonly frontendLines?: readonly string[]
  /** Lines added to the backend section, such as `'option tcp-check'` and its rules. */
  readonly backendLines?: readonly string[]
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
export type StartHAProxyOptions = StartPeerOptions

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
      ...(frontend.backendLines ?? []).map((line) => `  ${line}`),
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
  const { outcome, peer } = await startPeerProcess(executable, ['-W', '-db', '-f', file], {
    readyLine: 'Loading success.',
    readyTimeoutMs,
    folder,
  })
  if (outcome === 'ready') {
    return { ports, config, ...peer }
  }
  const error = await failedStart('haproxy', outcome, peer, { config, readyTimeoutMs })
  if (error !== undefined) {
    throw error
  }
  return undefined
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
  return startOnFreePorts('haproxy', attempts, () =>
    tryStart(frontends, executable, readyTimeoutMs),
  )
}
