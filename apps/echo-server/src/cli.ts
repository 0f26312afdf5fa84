import { parseArgs } from 'node:util'
import {
  parseCount,
  parseHost,
  parseLogLevel,
  parsePort,
  parseSeconds,
  usageErrorFrom,
  UsageError,
  type LogLevel,
} from '@wirekit/app-support'

/** The echo server's usage, printed by `--help` and after a usage error. */
export const USAGE = `usage: echo-server [options]

The PyMOTW asyncio echo server, on wirekit: echoes what each client sends, answers EOF with EOF.

options:
  --host HOST                 host to listen on, every address it resolves to (default: localhost)
  --port PORT                 port to listen on, 0 for a free one (default: 10000)
  --unix PATH                 listen on a Unix domain socket instead of TCP (@NAME: a Linux
                              abstract name); a stale socket file there is replaced
  --log-level LEVEL           debug, info, warn or error (default: debug, as the seed)
  --max-connections N         close connections past N at once (default: no limit)
  --idle-timeout SECONDS      close connections with no data either way for that long
  --shutdown-timeout SECONDS  on SIGINT, SIGTERM or SIGHUP, abort the clients still open after
                              that (default: 5)
  --version                   print the version
  -h, --help                  show this help
`

/** A checked command line. */
export interface ServerConfig {
  readonly help: boolean
  readonly version: boolean
  readonly host: string
  readonly port: number
  /** The Unix socket path to listen on instead of host and port (an abstract name with `'\0'`). */
  readonly unixPath: string | undefined
  readonly logLevel: LogLevel
  readonly maxConnections: number | undefined
  readonly idleTimeoutSeconds: number | undefined
  readonly shutdownTimeoutSeconds: number
}

/** `--unix PATH`, alone: `@NAME` stands for the abstract name `'\0NAME'` (as `ss` shows it). */
function parseUnixPath(
  value: string | undefined,
  host: string | undefined,
  port: string | undefined,
): string | undefined {
  if (value === undefined) {
    return undefined
  }
  if (host !== undefined || port !== undefined) {
    throw new UsageError('--unix cannot be combined with --host or --port')
  }
  if (value === '' || value === '@') {
    throw new UsageError('--unix needs a socket path or @NAME')
  }
  return value.startsWith('@') ? `\0${value.slice(1)}` : value
}

/**
 * Checks the command line before anything is opened.
 * @throws UsageError with one line saying what is wrong.
 */
export function parseServerArgs(args: readonly string[]): ServerConfig {
  let values
  try {
    ;({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        unix: { type: 'string' },
        'log-level': { type: 'string' },
        'max-connections': { type: 'string' },
        'idle-timeout': { type: 'string' },
        'shutdown-timeout': { type: 'string' },
        version: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }))
  } catch (error) {
    throw usageErrorFrom(error, args)
  }
  const unixPath = parseUnixPath(values.unix, values.host, values.port)
  const maxConnections = values['max-connections']
  const idleTimeout = values['idle-timeout']
  return {
    help: values.help === true,
    version: values.version === true,
    host: parseHost('--host', values.host ?? 'localhost'),
    port: parsePort('--port', values.port ?? '10000', true),
    unixPath,
    logLevel: parseLogLevel('--log-level', values['log-level'] ?? 'debug'),
    maxConnections:
      maxConnections === undefined ? undefined : parseCount('--max-connections', maxConnections),
    idleTimeoutSeconds:
      idleTimeout === undefined ? undefined : parseSeconds('--idle-timeout', idleTimeout, false),
    shutdownTimeoutSeconds: parseSeconds(
      '--shutdown-timeout',
      values['shutdown-timeout'] ?? '5',
      true,
    ),
  }
}
