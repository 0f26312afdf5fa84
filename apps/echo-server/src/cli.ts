import { parseArgs } from 'node:util'
import {
  checkOptionRules,
  parseCount,
  parseFilePath,
  parseHost,
  parseLogLevel,
  parsePort,
  parseSeconds,
  parseUnixPath,
  usageErrorFrom,
  type LogLevel,
  type OptionConflict,
  type OptionNeed,
} from '@wirekit/app-support'
import { parseTrustedProxy, type TrustedProxy } from './trusted-proxies.ts'

/** The echo server's usage, printed by `--help` and after a usage error. */
export const USAGE = `usage: echo-server [options]

The PyMOTW asyncio echo server, on wirekit: echoes what each client sends, answers EOF with EOF.

options:
  --host HOST                 host to listen on, every address it resolves to (default: localhost)
  --port PORT                 port to listen on, 0 for a free one (default: 10000)
  --unix PATH                 listen on a Unix domain socket instead of TCP (@NAME: a Linux
                              abstract name); a stale socket file there is replaced
  --udp                       echo UDP datagrams instead: each datagram goes back to its sender
  --tls-cert FILE             serve TLS with this certificate (PEM, its chain may follow)
  --tls-key FILE              the certificate's private key (PEM, unencrypted)
  --tls-ca FILE               with --tls-require-client-cert: the CA certificates (PEM) that
                              client certificates must be signed by
  --tls-require-client-cert   refuse clients without a certificate signed by --tls-ca
  --proxy-protocol            expect a PROXY protocol header (v1 or v2) from a trusted load
                              balancer on every connection; the logs show the real client
  --trusted-proxy CIDR        a balancer allowed to send that header: an address or a range such
                              as 10.0.0.0/8 (repeat for more; required by --proxy-protocol)
  --log-level LEVEL           debug, info, warn or error (default: debug, as the seed)
  --max-connections N         close connections past N at once (default: no limit)
  --idle-timeout SECONDS      close connections with no data either way for that long
  --shutdown-timeout SECONDS  on SIGINT, SIGTERM or SIGHUP, drain: stop listening, let each
                              client finish, abort those still open after that (default: 5)
  --workers N                 N processes serving one port: SO_REUSEPORT where Node has it
                              (22.12 and later), node:cluster round-robin otherwise (default: 1)
  --version                   print the version
  -h, --help                  show this help

exit status: 0 after a signal, 1 when it cannot listen, 2 on a usage error or a TLS file that
cannot be used (one line each).
`

/** The TLS files and policy of `--tls-*`. */
export interface ServerTLSConfig {
  readonly certPath: string
  readonly keyPath: string
  /** With `requireClientCert`: the CAs of the client certificates. */
  readonly caPath: string | undefined
  readonly requireClientCert: boolean
}

/** A checked command line. */
export interface ServerConfig {
  readonly help: boolean
  readonly version: boolean
  readonly host: string
  readonly port: number
  /** The Unix socket path to listen on instead of host and port (an abstract name with `'\0'`). */
  readonly unixPath: string | undefined
  /** Echo UDP datagrams on host and port instead of TCP connections. */
  readonly udp: boolean
  readonly tls: ServerTLSConfig | undefined
  /** The balancers trusted to send a PROXY header, when `--proxy-protocol` is on. */
  readonly trustedProxies: readonly TrustedProxy[] | undefined
  readonly logLevel: LogLevel
  readonly maxConnections: number | undefined
  readonly idleTimeoutSeconds: number | undefined
  readonly shutdownTimeoutSeconds: number
  /** Processes serving the port (1: this one alone). */
  readonly workers: number
}

const OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  unix: { type: 'string' },
  udp: { type: 'boolean' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'tls-ca': { type: 'string' },
  'tls-require-client-cert': { type: 'boolean' },
  'proxy-protocol': { type: 'boolean' },
  'trusted-proxy': { type: 'string', multiple: true },
  'log-level': { type: 'string' },
  'max-connections': { type: 'string' },
  'idle-timeout': { type: 'string' },
  'shutdown-timeout': { type: 'string' },
  workers: { type: 'string' },
  version: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

type Option = keyof typeof OPTIONS

const TLS_OPTIONS: readonly Option[] = ['tls-cert', 'tls-key', 'tls-ca', 'tls-require-client-cert']
const PROXY_ONLY_ON_TCP = ': the PROXY protocol is read on TCP connections'

/** Options that make no sense together. */
const CONFLICTS: readonly OptionConflict<Option>[] = [
  { option: 'unix', others: ['host', 'port'] },
  { option: 'udp', others: ['unix'] },
  { option: 'udp', others: TLS_OPTIONS, why: ': there is no DTLS' },
  { option: 'udp', others: ['proxy-protocol'], why: PROXY_ONLY_ON_TCP },
  { option: 'udp', others: ['max-connections', 'idle-timeout'], why: ': UDP has no connections' },
  { option: 'unix', others: TLS_OPTIONS, why: ': TLS is served on TCP' },
  { option: 'unix', others: ['proxy-protocol'], why: PROXY_ONLY_ON_TCP },
  { option: 'workers', others: ['unix', 'udp'], why: ': the workers share a TCP port' },
]

/** Options that need another. */
const NEEDS: readonly OptionNeed<Option>[] = [
  { option: 'tls-cert', needs: 'tls-key' },
  { option: 'tls-key', needs: 'tls-cert' },
  { option: 'tls-ca', needs: 'tls-require-client-cert', why: ' (the CA of client certificates)' },
  {
    option: 'tls-require-client-cert',
    needs: 'tls-ca',
    why: ', the CA that signs the client certificates',
  },
  { option: 'tls-ca', needs: 'tls-cert' },
  { option: 'tls-require-client-cert', needs: 'tls-cert' },
  {
    option: 'proxy-protocol',
    needs: 'trusted-proxy',
    why: ': the balancers allowed to send the header',
  },
  { option: 'trusted-proxy', needs: 'proxy-protocol' },
]

/**
 * Checks the command line before anything is opened (the TLS files are read later, still before
 * listening).
 * @throws UsageError with one line saying what is wrong.
 */
export function parseServerArgs(args: readonly string[]): ServerConfig {
  let values
  try {
    ;({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: OPTIONS,
    }))
  } catch (error) {
    throw usageErrorFrom(error, args)
  }
  checkOptionRules(new Set(Object.keys(values)), { conflicts: CONFLICTS, needs: NEEDS })
  const certPath = values['tls-cert']
  const keyPath = values['tls-key']
  const caPath = values['tls-ca']
  const unixPath = values.unix
  const maxConnections = values['max-connections']
  const idleTimeout = values['idle-timeout']
  return {
    help: values.help === true,
    version: values.version === true,
    host: parseHost('--host', values.host ?? 'localhost'),
    port: parsePort('--port', values.port ?? '10000', true),
    unixPath: unixPath === undefined ? undefined : parseUnixPath('--unix', unixPath),
    udp: values.udp === true,
    tls:
      certPath === undefined || keyPath === undefined
        ? undefined
        : {
            certPath: parseFilePath('--tls-cert', certPath),
            keyPath: parseFilePath('--tls-key', keyPath),
            caPath: caPath === undefined ? undefined : parseFilePath('--tls-ca', caPath),
            requireClientCert: values['tls-require-client-cert'] === true,
          },
    trustedProxies:
      values['proxy-protocol'] === true
        ? (values['trusted-proxy'] ?? []).map(parseTrustedProxy)
        : undefined,
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
    workers: values.workers === undefined ? 1 : parseCount('--workers', values.workers),
  }
}
