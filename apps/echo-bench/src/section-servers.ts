import { join } from 'node:path'
import { testCertificatePath } from '@wirekit/test-certificates'
import { builtScript } from './built-script.ts'
import { ECHO_SERVER_ARGS, RAW_SERVER } from './comparison-servers.ts'
import type { EchoServerBuild } from './echo-server-features.ts'
import type { PythonChoice } from './python.ts'
import { pythonServers } from './python-servers.ts'
import type { ServerSpec } from './servers.ts'

/** What the comparisons beyond plain TCP need, found before they start. */
export interface SectionTools {
  readonly echoServer: EchoServerBuild
  readonly python: PythonChoice | undefined
  /** A folder of this run for the Unix sockets (short: `sun_path` holds 108 bytes). */
  readonly unixDirectory: string
}

/** The servers of one comparison, in the order they alternate, and what was left out. */
export interface SectionServers {
  readonly specs: readonly ServerSpec[]
  readonly notes: readonly string[]
}

const runtime = `Node.js ${process.version}`
const hasAll = (build: EchoServerBuild, flags: readonly string[]): boolean =>
  flags.every((flag) => build.flags.has(flag))

/**
 * Unix-socket echo: `echo-server --unix PATH` against raw `node:net` over a path and asyncio's
 * (and uvloop's) `create_unix_server`, each on its own socket in the run's folder.
 */
export function unixServers(tools: SectionTools): SectionServers {
  const path = (name: string): string => join(tools.unixDirectory, `${name}.sock`)
  if (!tools.echoServer.flags.has('--unix')) {
    return { specs: [], notes: ['Unix sockets: skipped, this echo-server has no --unix'] }
  }
  const { path: echoServer } = tools.echoServer
  const python = pythonServers(tools.python, (loop) => ({
    args: ['--unix', path(loop)],
    unixPath: path(loop),
  }))
  const node = { runtime, node: process.version, command: process.execPath }
  return {
    specs: [
      {
        name: 'wirekit',
        kind: 'wirekit',
        ...node,
        args: [echoServer, '--unix', path('wirekit'), '--log-level', 'warn'],
        unixPath: path('wirekit'),
      },
      {
        name: 'raw node:net',
        kind: 'raw',
        ...node,
        args: [RAW_SERVER, '--unix', path('raw')],
        unixPath: path('raw'),
      },
      ...python.specs,
    ],
    notes: python.notes,
  }
}

/** Every server of the TLS comparison takes the same certificate (EC P-256) and key. */
const TLS_FILES = [
  '--tls-cert',
  testCertificatePath('server', 'cert'),
  '--tls-key',
  testCertificatePath('server', 'key'),
]

/**
 * TLS echo: wirekit over TLS (`echo-server --tls-cert --tls-key`, or while it has no such
 * flags, the bench's own server on the same transport) against raw `node:tls`, asyncio's and
 * uvloop's `create_server(ssl=...)`. The generator speaks TLS 1.3 with one suite to all.
 */
export function tlsServers(tools: SectionTools): SectionServers {
  const native = hasAll(tools.echoServer, ['--tls-cert', '--tls-key'])
  const load = ['--tls']
  const python = pythonServers(tools.python, () => ({ args: TLS_FILES, load }))
  const node = { node: process.version, command: process.execPath, load }
  return {
    specs: [
      {
        name: 'wirekit',
        kind: 'wirekit',
        ...node,
        runtime: native ? runtime : `${runtime}, the bench's src/wirekit-tls-echo-server.ts`,
        args: native
          ? [tools.echoServer.path, ...ECHO_SERVER_ARGS, ...TLS_FILES]
          : [builtScript('wirekit-tls-echo-server.js'), ...TLS_FILES],
      },
      { name: 'raw node:tls', kind: 'raw', ...node, runtime, args: [RAW_SERVER, ...TLS_FILES] },
      ...python.specs,
    ],
    notes: [
      ...(native
        ? []
        : [
            "wirekit over TLS: this echo-server has no --tls-cert yet, so the bench's own server ran: createServer({ tls }) of @wirekit/transport-tcp with the echo server's protocol (src/wirekit-tls-echo-server.ts)",
          ]),
      ...python.notes,
    ],
  }
}

/**
 * Datagram echo: wirekit (`echo-server --udp`, or while it has no such flag, the bench's own
 * endpoint of `@wirekit/transport-udp`) against raw `dgram` and asyncio's (and uvloop's)
 * `create_datagram_endpoint`.
 */
export function datagramServers(tools: SectionTools): SectionServers {
  const native = tools.echoServer.flags.has('--udp')
  const load = ['--udp']
  const python = pythonServers(tools.python, () => ({ args: ['--udp'], load }))
  const node = { node: process.version, command: process.execPath, load }
  return {
    specs: [
      {
        name: 'wirekit',
        kind: 'wirekit',
        ...node,
        runtime: native ? runtime : `${runtime}, the bench's src/wirekit-datagram-echo-server.ts`,
        args: native
          ? [tools.echoServer.path, ...ECHO_SERVER_ARGS, '--udp']
          : [builtScript('wirekit-datagram-echo-server.js')],
      },
      {
        name: 'raw dgram',
        kind: 'raw',
        ...node,
        runtime,
        args: [builtScript('raw-datagram-echo-server.js')],
      },
      ...python.specs,
    ],
    notes: [
      ...(native
        ? []
        : [
            "wirekit datagrams: this echo-server has no --udp yet, so the bench's own endpoint ran: createDatagramEndpoint() of @wirekit/transport-udp echoing each datagram (src/wirekit-datagram-echo-server.ts)",
          ]),
      ...python.notes,
    ],
  }
}
