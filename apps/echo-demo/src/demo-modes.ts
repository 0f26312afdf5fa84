import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { parseArgs } from 'node:util'
import { usageErrorFrom, UsageError } from '@wirekit/app-support'
import { testCertificatePath } from '@wirekit/test-certificates'

/** The demo's usage, printed by `--help` and after a usage error. */
export const USAGE = `usage: echo-demo [--tls | --udp | --unix]

Runs the seed's demo: starts the echo server, runs the echo client three times against it, stops
the server with SIGINT and shows both logs.

options:
  --tls       over TLS, with the repository's test certificates (packages/test-certificates)
  --udp       over UDP: each message one datagram
  --unix      over a Unix domain socket in a temporary folder
  -h, --help  show this help
`

/** How the demo runs the apps: what each is given, and what to undo afterwards. */
export interface DemoMode {
  /** The mode's name, for the opening line: `TCP`, `TLS`, `UDP` or `a Unix socket`. */
  readonly name: string
  /** The server's arguments. */
  readonly serverArgs: readonly string[]
  /** The client's arguments, given where the server said it listens (`HOST port N` or a path). */
  clientArgs(where: string): string[]
  /** Removes what the mode made (the Unix socket's folder). */
  cleanup(): void
}

/** A path as the demo shows it: relative to where it runs, when that is shorter. */
function shown(path: string): string {
  const near = relative(process.cwd(), path)
  return near.length < path.length ? near : path
}

/** The port in the server's `HOST port N`. */
function portOf(where: string): string {
  return /port (\d+)$/.exec(where)?.[1] ?? where
}

function tlsMode(): DemoMode {
  const file = (name: 'server' | 'ca', part: 'cert' | 'key'): string =>
    shown(testCertificatePath(name, part))
  return {
    name: 'TLS',
    serverArgs: [
      '--port',
      '0',
      '--tls-cert',
      file('server', 'cert'),
      '--tls-key',
      file('server', 'key'),
    ],
    clientArgs: (where) => ['--port', portOf(where), '--tls', '--tls-ca', file('ca', 'cert')],
    cleanup: () => undefined,
  }
}

function unixMode(): DemoMode {
  const folder = mkdtempSync(join(tmpdir(), 'wirekit-demo-'))
  const path = join(folder, 'echo.sock')
  return {
    name: 'a Unix socket',
    serverArgs: ['--unix', path],
    clientArgs: () => ['--unix', path],
    cleanup: () => rmSync(folder, { recursive: true, force: true }),
  }
}

function portMode(name: string, flags: readonly string[]): DemoMode {
  return {
    name,
    serverArgs: ['--port', '0', ...flags],
    clientArgs: (where) => ['--port', portOf(where), ...flags],
    cleanup: () => undefined,
  }
}

/**
 * Reads the demo's command line: no option for the seed's TCP demo, or one of `--tls`, `--udp`,
 * `--unix`. Returns `undefined` for `--help`.
 * @throws UsageError for anything else, or for two modes at once.
 */
export function demoMode(args: readonly string[]): DemoMode | undefined {
  let values
  try {
    ;({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        tls: { type: 'boolean' },
        udp: { type: 'boolean' },
        unix: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }))
  } catch (error) {
    throw usageErrorFrom(error, args)
  }
  if (values.help === true) {
    return undefined
  }
  const modes = (['tls', 'udp', 'unix'] as const).filter((mode) => values[mode] === true)
  if (modes.length > 1) {
    throw new UsageError(`one mode at a time: --${modes.join(' and --')} were given`)
  }
  switch (modes[0]) {
    case 'tls':
      return tlsMode()
    case 'udp':
      return portMode('UDP', ['--udp'])
    case 'unix':
      return unixMode()
    default:
      return portMode('TCP', [])
  }
}
