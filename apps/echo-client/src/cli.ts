import { isIP } from 'node:net'
import { parseArgs } from 'node:util'
import {
  checkOptionRules,
  parseFilePath,
  parseHost,
  parseLogLevel,
  parsePort,
  parseSeconds,
  parseUnixPath,
  usageErrorFrom,
  UsageError,
  type LogLevel,
  type OptionConflict,
  type OptionNeed,
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
  --udp               send each message as one UDP datagram and wait for its echo before the
                      next; resend it after --timeout (default: 1 second) up to --retries times
  --retries N         with --udp: how many times to resend a datagram whose echo did not come
                      (default: 2)
  --tls               connect with TLS, verifying the server's certificate and name
  --tls-ca FILE       trust the server certificates this CA (PEM) signs (default: the
                      system's CAs)
  --tls-servername N  the name to ask for (SNI) and check the certificate against (default:
                      --host)
  --tls-cert FILE     a client certificate (PEM), for servers that require one
  --tls-key FILE      its private key (PEM, unencrypted)
  --log-level LEVEL   debug, info, warn or error (default: debug, as the seed)
  --timeout SECONDS   give up when connecting, or the whole exchange, takes longer (with --udp:
                      how long to wait for each echo before sending again)
  --stdin             send standard input and write the echo to standard output
  --version           print the version
  -h, --help          show this help

exit status: 0 when every byte came back in order, 1 on a network error, a TLS handshake that
failed, a timeout or a mismatch, 2 on a usage error or a TLS file that cannot be used, 141 when
the reader of standard output went away (--stdin piped to head, say: the status a shell gives
cat killed by SIGPIPE), quietly.
`

/** The TLS files and name of `--tls`. */
export interface ClientTLSConfig {
  readonly caPath: string | undefined
  readonly servername: string | undefined
  readonly certPath: string | undefined
  readonly keyPath: string | undefined
}

/** How `--udp` waits for each echo. */
export interface ClientUDPConfig {
  /** How long to wait for an echo before sending the datagram again. */
  readonly waitSeconds: number
  /** How many times a datagram is sent again, at most. */
  readonly retries: number
}

/** A checked command line. */
export interface ClientConfig {
  readonly help: boolean
  readonly version: boolean
  readonly host: string
  readonly port: number
  /** The Unix socket path to connect to instead of host and port (an abstract name with `'\0'`). */
  readonly unixPath: string | undefined
  /** Set with `--udp`. */
  readonly udp: ClientUDPConfig | undefined
  /** Set with `--tls`. */
  readonly tls: ClientTLSConfig | undefined
  readonly logLevel: LogLevel
  /** The whole exchange's limit (TCP and Unix sockets; with `--udp` each echo's wait). */
  readonly timeoutSeconds: number | undefined
  /** `undefined` in --stdin mode. */
  readonly messages: readonly string[] | undefined
}

const OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  unix: { type: 'string' },
  udp: { type: 'boolean' },
  retries: { type: 'string' },
  tls: { type: 'boolean' },
  'tls-ca': { type: 'string' },
  'tls-servername': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'log-level': { type: 'string' },
  timeout: { type: 'string' },
  stdin: { type: 'boolean' },
  version: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

type Option = keyof typeof OPTIONS

const TLS_FILES: readonly Option[] = ['tls-ca', 'tls-servername', 'tls-cert', 'tls-key']
const NO_BOUNDARIES = ': a stream has no datagram boundaries'

/** Options that make no sense together. */
const CONFLICTS: readonly OptionConflict<Option>[] = [
  { option: 'unix', others: ['host', 'port'] },
  { option: 'udp', others: ['unix'] },
  { option: 'udp', others: ['tls'], why: ': there is no DTLS' },
  { option: 'udp', others: ['stdin'], why: NO_BOUNDARIES },
  { option: 'tls', others: ['unix'], why: ': TLS is spoken over TCP' },
]

/** Options that need another. */
const NEEDS: readonly OptionNeed<Option>[] = [
  ...TLS_FILES.map((option) => ({ option, needs: 'tls' as const })),
  { option: 'tls-cert', needs: 'tls-key' },
  { option: 'tls-key', needs: 'tls-cert' },
  { option: 'retries', needs: 'udp' },
]

function optionalFile(option: string, value: string | undefined): string | undefined {
  return value === undefined ? undefined : parseFilePath(option, value)
}

/** `--tls-servername`: a host name (SNI carries no IP address; `--host` is checked as given). */
function parseServername(value: string | undefined): string | undefined {
  if (value === undefined) {
    return undefined
  }
  if (isIP(value) !== 0) {
    throw new UsageError(
      `--tls-servername must be a host name (SNI carries no IP address; the certificate is checked against --host), got ${JSON.stringify(value)}`,
    )
  }
  return parseHost('--tls-servername', value)
}

/** `--retries`: a whole number from 0 to 100. */
function parseRetries(value: string): number {
  const retries = /^\d{1,3}$/.test(value) ? Number(value) : Number.NaN
  if (!(retries >= 0 && retries <= 100)) {
    throw new UsageError(
      `--retries must be a whole number from 0 to 100, got ${JSON.stringify(value)}`,
    )
  }
  return retries
}

/**
 * Checks the command line before anything is opened.
 * @throws UsageError with one line saying what is wrong.
 */
export function parseClientArgs(args: readonly string[]): ClientConfig {
  let parsed
  try {
    parsed = parseArgs({ args: [...args], strict: true, allowPositionals: true, options: OPTIONS })
  } catch (error) {
    throw usageErrorFrom(error, args)
  }
  const { values, positionals } = parsed
  checkOptionRules(new Set(Object.keys(values)), { conflicts: CONFLICTS, needs: NEEDS })
  const dash = positionals.includes('-')
  if (dash && positionals.length > 1) {
    throw new UsageError("'-' (standard input) cannot be mixed with messages")
  }
  if (values.stdin === true && positionals.length > 0 && !dash) {
    throw new UsageError('--stdin cannot be mixed with messages')
  }
  const stdin = values.stdin === true || dash
  if (values.udp === true && dash) {
    throw new UsageError(`--udp cannot be combined with '-' (standard input)${NO_BOUNDARIES}`)
  }
  const timeout = values.timeout
  const timeoutSeconds =
    timeout === undefined ? undefined : parseSeconds('--timeout', timeout, false)
  return {
    help: values.help === true,
    version: values.version === true,
    host: parseHost('--host', values.host ?? 'localhost'),
    port: parsePort('--port', values.port ?? '10000', false),
    unixPath: values.unix === undefined ? undefined : parseUnixPath('--unix', values.unix),
    udp:
      values.udp === true
        ? {
            waitSeconds: timeoutSeconds ?? 1,
            retries: values.retries === undefined ? 2 : parseRetries(values.retries),
          }
        : undefined,
    tls:
      values.tls === true
        ? {
            caPath: optionalFile('--tls-ca', values['tls-ca']),
            servername: parseServername(values['tls-servername']),
            certPath: optionalFile('--tls-cert', values['tls-cert']),
            keyPath: optionalFile('--tls-key', values['tls-key']),
          }
        : undefined,
    logLevel: parseLogLevel('--log-level', values['log-level'] ?? 'debug'),
    timeoutSeconds,
    messages: stdin ? undefined : positionals.length > 0 ? positionals : SEED_MESSAGES,
  }
}
