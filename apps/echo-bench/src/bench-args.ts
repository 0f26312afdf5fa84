import { parseArgs } from 'node:util'
import { parseCount, parseSeconds, usageErrorFrom, UsageError } from '@wirekit/app-support'
import type { RunPlan } from './results.ts'
import { SECTION_IDS, type SectionId } from './sections.ts'

/** The comparison's usage. */
export const BENCH_USAGE = `usage: pnpm bench [-- options]   (or: node apps/echo-bench/dist/bench.js [options])

Compares the wirekit echo server with a raw node:net one, Python asyncio and uvloop and a C epoll
server, round by round, and writes docs/benchmarks.md, docs/benchmarks.svg and
docs/benchmarks/results.json. Then the same over Unix sockets and over TLS, a datagram echo, two
worker processes against one, and connections/s with and without a PROXY header.

options:
  --rounds N            rounds of every server at every size (default: 3)
  --duration SECONDS    measured seconds per run (default: 10)
  --warmup SECONDS      load before each measurement (default: 1)
  --sizes LIST          message sizes in bytes of TCP, Unix sockets and TLS, comma-separated
                        (default: 1024,10240,102400; several cores: the smallest and largest)
  --connections N       connections per run (default: 10)
  --threads T           load-generator threads (default: 1)
  --idle N              idle connections for the memory figure (default: 10000)
  --datagram-sizes LIST  datagram sizes in bytes of the UDP comparison (default: 64,1200)
  --sections LIST       the comparisons to run, comma-separated, of tcp, unix, tls, udp,
                        workers, proxy (default: all)
  --echo-server FILE    the echo-server entry point to measure (default: this workspace's
                        apps/echo-server/dist/main.js); its --help says which comparisons it can join
  --node NODE           also run wirekit and raw node:net on another Node (the TCP comparison):
                        a path to its binary, or a version (24, 24.11.1) found in
                        ~/.cache/wirekit/node/ or installed there from the npm registry; repeatable
  --smoke               a quick check of the whole pipeline (1 round of 0.5 s at 1 KiB and 64 B
                        datagrams, 200 idle connections); writes nothing unless --out is given
  --from FILE           measure nothing: draw the report and the chart of a saved results.json
  --out DIR             where to write (default: the repository's docs/)
  --no-write            print the report, write nothing
  -h, --help            show this help
`

/** A checked command line for the comparison. */
export interface BenchPlan extends RunPlan {
  readonly help: boolean
  readonly sections: readonly SectionId[]
  readonly datagramSizes: readonly number[]
  /** `--node` values, resolved to binaries before the run. */
  readonly nodes: readonly string[]
  /** The echo-server entry point to measure, when not the workspace's. */
  readonly echoServer: string | undefined
  /** A saved results file to draw instead of measuring. */
  readonly from: string | undefined
  /** The folder to write into, or `undefined` to write nothing. */
  readonly out: string | undefined
}

function parseSections(value: string | undefined): SectionId[] {
  if (value === undefined) {
    return [...SECTION_IDS]
  }
  const wanted = value.split(',')
  const unknown = wanted.find((id) => !(SECTION_IDS as readonly string[]).includes(id))
  if (unknown !== undefined) {
    throw new UsageError(
      `--sections takes ${SECTION_IDS.join(', ')}, got ${JSON.stringify(unknown)}`,
    )
  }
  // In the order they run, each once.
  return SECTION_IDS.filter((id) => wanted.includes(id))
}

/**
 * Checks the command line of the comparison. Explicit options win over `--smoke`'s.
 * @param docs - The default output folder.
 * @throws UsageError with one line saying what is wrong.
 */
export function parsePlan(args: readonly string[], docs: string): BenchPlan {
  let values
  try {
    ;({ values } = parseArgs({
      args: args.filter((arg) => arg !== '--'),
      strict: true,
      options: {
        rounds: { type: 'string' },
        duration: { type: 'string' },
        warmup: { type: 'string' },
        sizes: { type: 'string' },
        connections: { type: 'string' },
        threads: { type: 'string' },
        idle: { type: 'string' },
        'datagram-sizes': { type: 'string' },
        sections: { type: 'string' },
        'echo-server': { type: 'string' },
        node: { type: 'string', multiple: true },
        smoke: { type: 'boolean' },
        from: { type: 'string' },
        out: { type: 'string' },
        'no-write': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }))
  } catch (error) {
    throw usageErrorFrom(error)
  }
  const smoke = values.smoke === true
  const list = (option: string, value: string): number[] =>
    value.split(',').map((size) => parseCount(option, size))
  const sizes = list('--sizes', values.sizes ?? (smoke ? '1024' : '1024,10240,102400'))
  const datagramSizes = list(
    '--datagram-sizes',
    values['datagram-sizes'] ?? (smoke ? '64' : '64,1200'),
  )
  if (datagramSizes.some((size) => size < 8 || size > 65_507)) {
    throw new UsageError('--datagram-sizes must be from 8 to 65507 bytes (a UDP datagram on IPv4)')
  }
  if (values.out !== undefined && values['no-write'] === true) {
    throw new UsageError('--out and --no-write cannot be used together')
  }
  for (const option of ['node', 'sections', 'echo-server'] as const) {
    if (values.from !== undefined && values[option] !== undefined) {
      throw new UsageError(`--from draws a saved run: --${option} has nothing to measure`)
    }
  }
  const written = values['no-write'] !== true && (values.out !== undefined || !smoke)
  return {
    help: values.help === true,
    rounds: parseCount('--rounds', values.rounds ?? (smoke ? '1' : '3')),
    duration: parseSeconds('--duration', values.duration ?? (smoke ? '0.5' : '10'), false),
    warmup: parseSeconds('--warmup', values.warmup ?? (smoke ? '0.2' : '1'), true),
    sizes,
    connections: parseCount('--connections', values.connections ?? '10'),
    threads: parseCount('--threads', values.threads ?? '1'),
    idle: parseCount('--idle', values.idle ?? (smoke ? '200' : '10000')),
    sections: parseSections(values.sections),
    datagramSizes,
    echoServer: values['echo-server'],
    nodes: values.node ?? [],
    from: values.from,
    out: written ? (values.out ?? docs) : undefined,
  }
}
