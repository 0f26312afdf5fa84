/**
 * Starts a real nginx on loopback for interop tests: a `stream` server per entry, each listening
 * on a free port and forwarding TCP to a server of the test's, with `proxy_protocol on` or any
 * other directives. Exported by `@wirekit/app-support/testing`.
 *
 * nginx's `stream` module is a separate Debian package (`libnginx-mod-stream`) that the
 * configuration loads itself, so a machine needs both `nginx` and the module. nginx runs in the
 * foreground with its own prefix folder, its log on standard error at `notice` level: the master
 * binds every listener before it prints `start worker processes`, so that line, not a timer,
 * says it is ready.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePorts, hostPort } from './loopback-ports.ts'
import {
  failedStart,
  startOnFreePorts,
  startPeerProcess,
  type StartPeerOptions,
} from './peer-process.ts'

/** Where Debian installs the `stream` module (package `libnginx-mod-stream`). */
export const NGINX_STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so'

/** What to install when nginx or its stream module is missing. */
export const NGINX_MISSING =
  'nginx with the stream module is not installed (apt-get update && apt-get install -y nginx-light libnginx-mod-stream); with WIREKIT_REQUIRE_NGINX=1, as in CI, this fails instead'

/** One `stream` server of nginx: a listening address and the server it forwards to. */
export interface NginxStreamServer {
  /** The loopback address nginx listens on, such as `'127.0.0.1'` or `'::1'`; the port is free. */
  readonly listen: string
  /** The server nginx connects to for each client, usually the test's own server. */
  readonly upstream: { readonly host: string; readonly port: number }
  /** Directives of the server block, such as `['proxy_protocol on;']`. */
  readonly directives: readonly string[]
}

/** A running nginx. */
export interface NginxInstance {
  /** The port of each stream server, in the order given. */
  readonly ports: readonly number[]
  /** The configuration file's text, for failure messages. */
  readonly config: string
  /** What nginx printed so far. */
  output(): string
  /** Stops it (SIGTERM, then SIGKILL after `timeoutMs`), waits for its exit, removes its files. */
  stop(timeoutMs?: number): Promise<void>
}

/** Whether a package's nginx tests run here, from {@link planNginxTests}. */
export interface NginxTestPlan {
  /** nginx's version line, or `undefined` when nginx or its stream module is missing. */
  readonly version: string | undefined
  /** `true` when the tests run: nginx is there, or `WIREKIT_REQUIRE_NGINX=1` says they must. */
  readonly run: boolean
  /** The version line, or why the tests skip: for titles and failures. */
  readonly reason: string
}

/**
 * The version line of the installed nginx (`nginx version: nginx/1.22.1`), or `undefined` when
 * `nginx` cannot be run or its stream module is missing.
 */
export function findNginx(executable = 'nginx'): string | undefined {
  const result = spawnSync(executable, ['-v'], { encoding: 'utf8' })
  if (result.status !== 0 || !existsSync(NGINX_STREAM_MODULE)) {
    return undefined
  }
  return /^nginx version: .*$/m.exec(result.stderr)?.[0]
}

/**
 * Decides whether a package's nginx tests run, and prints one line on standard error when they
 * are skipped. Inside the suite, assert `plan.version` is defined so that
 * `WIREKIT_REQUIRE_NGINX=1` without nginx fails.
 */
export function planNginxTests(label: string, env: NodeJS.ProcessEnv = process.env): NginxTestPlan {
  const version = findNginx()
  const required = env.WIREKIT_REQUIRE_NGINX === '1'
  if (version == null && !required) {
    process.stderr.write(`${label}: skipping the nginx interop tests: ${NGINX_MISSING}\n`)
  }
  return { version, run: version != null || required, reason: version ?? NGINX_MISSING }
}

function configFor(
  folder: string,
  servers: readonly NginxStreamServer[],
  ports: readonly number[],
): string {
  const lines = [
    `load_module ${NGINX_STREAM_MODULE};`,
    'daemon off;',
    'master_process on;',
    'worker_processes 1;',
    `pid ${join(folder, 'nginx.pid')};`,
    'error_log stderr notice;',
    'events { worker_connections 1024; }',
    'stream {',
  ]
  servers.forEach((server, i) => {
    lines.push(
      '  server {',
      `    listen ${hostPort(server.listen, ports[i] ?? 0)};`,
      `    proxy_pass ${hostPort(server.upstream.host, server.upstream.port)};`,
      ...server.directives.map((directive) => `    ${directive}`),
      '  }',
    )
  })
  lines.push('}')
  return `${lines.join('\n')}\n`
}

/** One try: resolves with the instance, or `undefined` if a port was taken (then retry). */
async function tryStart(
  servers: readonly NginxStreamServer[],
  executable: string,
  readyTimeoutMs: number,
): Promise<NginxInstance | undefined> {
  const ports = await freePorts(servers.map((server) => server.listen))
  const folder = mkdtempSync(join(tmpdir(), 'wirekit-nginx-'))
  const config = configFor(folder, servers, ports)
  const file = join(folder, 'nginx.conf')
  writeFileSync(file, config)
  // -e: the log before the configuration is read, which would be /var/log/nginx otherwise.
  const { outcome, peer } = await startPeerProcess(
    executable,
    ['-p', folder, '-c', file, '-e', 'stderr'],
    { readyLine: 'start worker processes', readyTimeoutMs, folder },
  )
  if (outcome === 'ready') {
    return { ports, config, ...peer }
  }
  const error = await failedStart('nginx', outcome, peer, { config, readyTimeoutMs })
  if (error !== undefined) {
    throw error
  }
  return undefined
}

/**
 * Starts nginx with one `stream` server per entry, each on a free loopback port, and resolves
 * once every listener is bound. Retries with new ports when one was taken meanwhile; rejects
 * with nginx's output and configuration if it fails otherwise. Always `stop()` it.
 */
export async function startNginx(
  servers: readonly NginxStreamServer[],
  options: StartPeerOptions = {},
): Promise<NginxInstance> {
  const { executable = 'nginx', attempts = 5, readyTimeoutMs = 15_000 } = options
  return startOnFreePorts('nginx', attempts, () => tryStart(servers, executable, readyTimeoutMs))
}
