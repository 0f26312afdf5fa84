import { parseArgs } from 'node:util'
import {
  parseCount,
  parseHost,
  parsePort,
  parseSeconds,
  usageErrorFrom,
  UsageError,
} from '@wirekit/app-support'
import { testCertificatePath } from '@wirekit/test-certificates'
import type { LoadMode, LoadOptions } from './load-options.ts'

/** The load generator's usage. */
export const USAGE = `usage: echo-bench --port PORT [options]
       echo-bench --unix PATH [options]

A closed-loop echo load generator: each connection sends one message and waits for its whole echo
before the next; every echo is checked byte-exact.

options:
  --host HOST           server host (default: 127.0.0.1)
  --port PORT           server port (required, unless --unix)
  --unix PATH           load a server on this Unix domain socket instead
  --connections N       connections, or datagram flows with --udp (default: 10)
  --size BYTES          message size (default: 1024)
  --duration SECONDS    how long to measure (default: 10)
  --count N             measure N requests instead of a duration
  --warmup SECONDS      load before measuring (default: 1)
  --threads T           worker threads for the connections (default: 1)
  --server-pid PID      also report the CPU time per request of that process and of its
                        children (Linux /proc)
  --tls                 speak TLS 1.3 with one cipher suite (the same cost for every server),
                        trusting the CA of @wirekit/test-certificates
  --tls-ca FILE         trust this CA instead (PEM), with --tls
  --reconnect           a new connection per request: connect, send one message, read its
                        echo, close (the figure is connections/s)
  --proxy-header V      send a PROXY protocol header (v1 or v2) first on every connection,
                        naming 192.0.2.1 (TEST-NET-1) or 2001:db8::1 as the client
  --udp                 datagram echo: each flow keeps --window datagrams in flight, and one
                        not echoed within --loss-timeout counts as lost
  --window N            datagrams in flight per flow, with --udp (default: 4)
  --loss-timeout SECONDS  when an unanswered datagram counts as lost, with --udp (default: 1)
  --json                print one JSON object instead of the report
  -h, --help            show this help
`

/** A checked command line. */
export type BenchConfig =
  | { readonly help: true }
  | { readonly help: false; readonly json: boolean; readonly load: LoadOptions }

type Values = Partial<Record<string, string | boolean>>

/** The options that make no sense together, each with the one that rules them out. */
function checkCombinations(values: Values): void {
  const given = (name: string): boolean => values[name] !== undefined
  const refuse = (option: string, others: readonly string[], why: string): void => {
    const other = others.find(given)
    if (given(option) && other !== undefined) {
      throw new UsageError(`--${option} cannot be combined with --${other}${why}`)
    }
  }
  if (given('unix') && (given('host') || given('port'))) {
    throw new UsageError('--unix cannot be combined with --host or --port')
  }
  if (given('count') && given('duration')) {
    throw new UsageError('--count and --duration cannot be used together')
  }
  refuse('udp', ['unix', 'tls', 'reconnect', 'proxy-header'], '')
  refuse('proxy-header', ['unix', 'tls'], ': the header is for TCP connections in plaintext')
  for (const [option, needs] of [
    ['tls-ca', 'tls'],
    ['window', 'udp'],
    ['loss-timeout', 'udp'],
  ] as const) {
    if (given(option) && !given(needs)) {
      throw new UsageError(`--${option} needs --${needs}`)
    }
  }
  if (values.unix === '') {
    throw new UsageError('--unix needs a socket path')
  }
  if (!given('port') && !given('unix')) {
    throw new UsageError('--port is required')
  }
}

function parseProxyVersion(value: string | undefined): 1 | 2 | undefined {
  if (value === undefined) {
    return undefined
  }
  if (value !== 'v1' && value !== 'v2') {
    throw new UsageError(`--proxy-header must be v1 or v2, got ${JSON.stringify(value)}`)
  }
  return value === 'v1' ? 1 : 2
}

/**
 * Checks the command line.
 * @throws UsageError with one line saying what is wrong.
 */
export function parseBenchArgs(args: readonly string[]): BenchConfig {
  let values
  try {
    ;({ values } = parseArgs({
      args: [...args],
      strict: true,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        unix: { type: 'string' },
        connections: { type: 'string' },
        size: { type: 'string' },
        duration: { type: 'string' },
        count: { type: 'string' },
        warmup: { type: 'string' },
        threads: { type: 'string' },
        'server-pid': { type: 'string' },
        tls: { type: 'boolean' },
        'tls-ca': { type: 'string' },
        reconnect: { type: 'boolean' },
        'proxy-header': { type: 'string' },
        udp: { type: 'boolean' },
        window: { type: 'string' },
        'loss-timeout': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }))
  } catch (error) {
    throw usageErrorFrom(error)
  }
  if (values.help === true) {
    return { help: true }
  }
  checkCombinations(values)
  const path = values.unix
  const mode: LoadMode =
    values.udp === true ? 'datagram' : values.reconnect === true ? 'reconnect' : 'echo'
  const size = parseCount('--size', values.size ?? '1024')
  if (mode === 'datagram' && size < 8) {
    throw new UsageError(`--size must be at least 8 with --udp (each datagram carries its number)`)
  }
  return {
    help: false,
    json: values.json === true,
    load: {
      host: parseHost('--host', values.host ?? '127.0.0.1'),
      port: path === undefined ? parsePort('--port', values.port ?? '', false) : 0,
      path,
      mode,
      connections: parseCount('--connections', values.connections ?? '10'),
      size,
      duration: parseSeconds('--duration', values.duration ?? '10', false),
      count: values.count === undefined ? undefined : parseCount('--count', values.count),
      warmup: parseSeconds('--warmup', values.warmup ?? '1', true),
      threads: parseCount('--threads', values.threads ?? '1'),
      serverPid:
        values['server-pid'] === undefined
          ? undefined
          : parseCount('--server-pid', values['server-pid']),
      tlsCa:
        values.tls === true ? (values['tls-ca'] ?? testCertificatePath('ca', 'cert')) : undefined,
      proxyHeader: parseProxyVersion(values['proxy-header']),
      window: parseCount('--window', values.window ?? '4'),
      lossTimeout: parseSeconds('--loss-timeout', values['loss-timeout'] ?? '1', false),
    },
  }
}
