/**
 * The comparisons of issue 14 (beyond one core and one machine), run only when the measured
 * `echo-server` has their flags: its `--workers`, and its PROXY protocol options.
 */
import { ECHO_SERVER_ARGS } from './comparison-servers.ts'
import type { SectionServers, SectionTools } from './section-servers.ts'

const runtime = `Node.js ${process.version}`

/** `--workers 1` against `--workers 2` of `echo-server`, or a note when it has no `--workers`. */
export function workerServers(tools: SectionTools): SectionServers {
  if (!tools.echoServer.flags.has('--workers')) {
    return {
      specs: [],
      notes: [
        'several cores: skipped, this echo-server has no --workers yet (its --help does not list it)',
      ],
    }
  }
  return {
    specs: [1, 2].map((workers) => ({
      name: `wirekit, ${workers} worker${workers === 1 ? '' : 's'}`,
      kind: 'wirekit',
      runtime,
      node: process.version,
      workers,
      command: process.execPath,
      args: [tools.echoServer.path, ...ECHO_SERVER_ARGS, '--workers', String(workers)],
    })),
    notes: [],
  }
}

/** The balancer the PROXY comparison's servers trust: the generator, on loopback. */
const TRUSTED_PROXY = ['--proxy-protocol', '--trusted-proxy', '127.0.0.1']

/**
 * Connections per second to `echo-server` without the PROXY protocol, and with it (`--proxy-protocol
 * --trusted-proxy 127.0.0.1`) behind a generator that sends a v1 or a v2 header first; or a note
 * when it has no `--proxy-protocol`.
 */
export function proxyServers(tools: SectionTools): SectionServers {
  const { flags } = tools.echoServer
  if (!flags.has('--proxy-protocol') || !flags.has('--trusted-proxy')) {
    return {
      specs: [],
      notes: [
        'PROXY header cost: skipped, this echo-server has no --proxy-protocol and --trusted-proxy yet (its --help does not list them)',
      ],
    }
  }
  const base = {
    kind: 'wirekit',
    runtime,
    node: process.version,
    command: process.execPath,
  } as const
  const server = [tools.echoServer.path, ...ECHO_SERVER_ARGS]
  return {
    specs: [
      { ...base, name: 'wirekit, no header', args: server, load: ['--reconnect'] },
      ...([1, 2] as const).map((version) => ({
        ...base,
        name: `wirekit, PROXY v${version}`,
        proxyHeader: version,
        args: [...server, ...TRUSTED_PROXY],
        load: ['--reconnect', '--proxy-header', `v${version}`],
      })),
    ],
    notes: [],
  }
}
