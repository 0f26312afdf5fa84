import { parseArgs } from 'node:util'
import {
  parseCount,
  parseHost,
  parsePort,
  parseSeconds,
  usageErrorFrom,
  UsageError,
} from '@wirekit/app-support'
import type { LoadOptions } from './load-options.ts'

/** The load generator's usage. */
export const USAGE = `usage: echo-bench --port PORT [options]
       echo-bench --unix PATH [options]

A closed-loop echo load generator: each connection sends one message and waits for its whole echo
before the next; every echo is checked byte-exact.

options:
  --host HOST           server host (default: 127.0.0.1)
  --port PORT           server port (required, unless --unix)
  --unix PATH           load a server on this Unix domain socket instead
  --connections N       connections (default: 10)
  --size BYTES          message size (default: 1024)
  --duration SECONDS    how long to measure (default: 10)
  --count N             measure N requests instead of a duration
  --warmup SECONDS      load before measuring (default: 1)
  --threads T           worker threads for the connections (default: 1)
  --server-pid PID      also report that process's CPU time per request (Linux /proc)
  --json                print one JSON object instead of the report
  -h, --help            show this help
`

/** A checked command line. */
export interface BenchConfig {
  readonly help: boolean
  readonly json: boolean
  readonly load: LoadOptions
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
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }))
  } catch (error) {
    throw usageErrorFrom(error)
  }
  if (values.help === true) {
    return { help: true, json: false, load: undefined as unknown as LoadOptions }
  }
  const path = values.unix
  if (path !== undefined && (values.port !== undefined || values.host !== undefined)) {
    throw new UsageError('--unix cannot be combined with --host or --port')
  }
  if (path === '') {
    throw new UsageError('--unix needs a socket path')
  }
  if (values.port === undefined && path === undefined) {
    throw new UsageError('--port is required')
  }
  if (values.count !== undefined && values.duration !== undefined) {
    throw new UsageError('--count and --duration cannot be used together')
  }
  return {
    help: false,
    json: values.json === true,
    load: {
      host: parseHost('--host', values.host ?? '127.0.0.1'),
      port: path === undefined ? parsePort('--port', values.port ?? '', false) : 0,
      path,
      connections: parseCount('--connections', values.connections ?? '10'),
      size: parseCount('--size', values.size ?? '1024'),
      duration: parseSeconds('--duration', values.duration ?? '10', false),
      count: values.count === undefined ? undefined : parseCount('--count', values.count),
      warmup: parseSeconds('--warmup', values.warmup ?? '1', true),
      threads: parseCount('--threads', values.threads ?? '1'),
      serverPid:
        values['server-pid'] === undefined
          ? undefined
          : parseCount('--server-pid', values['server-pid']),
    },
  }
}
