import { parseArgs } from 'node:util'
import { parseCount, parseSeconds, usageErrorFrom, UsageError } from '@wirekit/app-support'

/** The comparison's usage. */
export const BENCH_USAGE = `usage: pnpm bench [-- options]   (or: node apps/echo-bench/dist/bench.js [options])

Compares the wirekit echo server with a raw node:net one, Python asyncio and uvloop, round by round,
and writes docs/benchmarks.md and docs/benchmarks/results.json.

options:
  --rounds N            rounds of every server at every size (default: 3)
  --duration SECONDS    measured seconds per run (default: 10)
  --warmup SECONDS      load before each measurement (default: 1)
  --sizes LIST          message sizes in bytes, comma-separated (default: 1024,10240,102400)
  --connections N       connections per run (default: 10)
  --threads T           load-generator threads (default: 1)
  --idle N              idle connections for the memory figure (default: 10000)
  --transport T         tcp (default), or unix: the same comparison over Unix domain sockets,
                        without the idle-memory figure, written to docs/benchmarks-unix.md
  --no-write            print the report, do not write docs/
  -h, --help            show this help
`

/** A checked command line for the comparison. */
export interface BenchPlan {
  readonly help: boolean
  readonly rounds: number
  readonly duration: number
  readonly warmup: number
  readonly sizes: readonly number[]
  readonly connections: number
  readonly threads: number
  readonly idle: number
  readonly write: boolean
  /** Whether servers listen on TCP (127.0.0.1) or on Unix domain sockets. */
  readonly transport: 'tcp' | 'unix'
}

/**
 * Checks the command line of the comparison.
 * @throws UsageError with one line saying what is wrong.
 */
export function parsePlan(args: readonly string[]): BenchPlan {
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
        'no-write': { type: 'boolean' },
        transport: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }))
  } catch (error) {
    throw usageErrorFrom(error)
  }
  const sizes = (values.sizes ?? '1024,10240,102400')
    .split(',')
    .map((size) => parseCount('--sizes', size))
  if (sizes.length === 0) {
    throw new UsageError('--sizes needs at least one size')
  }
  const transport = values.transport ?? 'tcp'
  if (transport !== 'tcp' && transport !== 'unix') {
    throw new UsageError(`--transport must be tcp or unix, got ${JSON.stringify(transport)}`)
  }
  return {
    help: values.help === true,
    transport,
    rounds: parseCount('--rounds', values.rounds ?? '3'),
    duration: parseSeconds('--duration', values.duration ?? '10', false),
    warmup: parseSeconds('--warmup', values.warmup ?? '1', true),
    sizes,
    connections: parseCount('--connections', values.connections ?? '10'),
    threads: parseCount('--threads', values.threads ?? '1'),
    idle: parseCount('--idle', values.idle ?? '10000'),
    write: values['no-write'] !== true,
  }
}
