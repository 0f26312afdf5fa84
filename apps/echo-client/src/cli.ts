import { parseArgs } from 'node:util'
import {
  parseHost,
  parseLogLevel,
  parsePort,
  parseSeconds,
  usageErrorFrom,
  UsageError,
  type LogLevel,
} from '@wirekit/app-support'

/** The seed's three messages, sent when none are given. */
export const SEED_MESSAGES: readonly string[] = [
  'This is the message. ',
  'It will be sent ',
  'in parts.',
]

/** The echo client's usage, printed by `--help` and after a usage error. */
export const USAGE = `usage: echo-client [options] [MESSAGE ...]
       echo-client [options] --stdin      (or - as the only message)

The PyMOTW asyncio echo client, on wirekit: sends the messages (by default the seed's three),
then EOF, and checks that exactly the same bytes come back.

options:
  --host HOST         server host (default: localhost)
  --port PORT         server port (default: 10000)
  --unix PATH         connect to a Unix domain socket instead (@NAME: a Linux abstract name)
  --log-level LEVEL   debug, info, warn or error (default: debug, as the seed)
  --timeout SECONDS   give up when connecting, or the whole exchange, takes longer
  --stdin             send standard input and write the echo to standard output
  --version           print the version
  -h, --help          show this help

exit status: 0 when every byte came back in order, 1 on a network error, a timeout or a
mismatch, 2 on a usage error, 141 when the reader of standard output went away (--stdin piped
to head, say: the status a shell gives cat killed by SIGPIPE), quietly.
`

/** A checked command line. */
export interface ClientConfig {
  readonly help: boolean
  readonly version: boolean
  readonly host: string
  readonly port: number
  /** The Unix socket path to connect to instead of host and port (an abstract name with `'\0'`). */
  readonly unixPath: string | undefined
  readonly logLevel: LogLevel
  readonly timeoutSeconds: number | undefined
  /** `undefined` in --stdin mode. */
  readonly messages: readonly string[] | undefined
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
export function parseClientArgs(args: readonly string[]): ClientConfig {
  let parsed
  try {
    parsed = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: true,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        unix: { type: 'string' },
        'log-level': { type: 'string' },
        timeout: { type: 'string' },
        stdin: { type: 'boolean' },
        version: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (error) {
    throw usageErrorFrom(error, args)
  }
  const { values, positionals } = parsed
  const dash = positionals.includes('-')
  if (dash && positionals.length > 1) {
    throw new UsageError("'-' (standard input) cannot be mixed with messages")
  }
  if (values.stdin === true && positionals.length > 0 && !dash) {
    throw new UsageError('--stdin cannot be mixed with messages')
  }
  const stdin = values.stdin === true || dash
  const timeout = values.timeout
  const unixPath = parseUnixPath(values.unix, values.host, values.port)
  return {
    help: values.help === true,
    version: values.version === true,
    host: parseHost('--host', values.host ?? 'localhost'),
    port: parsePort('--port', values.port ?? '10000', false),
    unixPath,
    logLevel: parseLogLevel('--log-level', values['log-level'] ?? 'debug'),
    timeoutSeconds: timeout === undefined ? undefined : parseSeconds('--timeout', timeout, false),
    messages: stdin ? undefined : positionals.length > 0 ? positionals : SEED_MESSAGES,
  }
}
