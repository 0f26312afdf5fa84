import { parseArgs } from 'node:util'
import { parseCount, parseSeconds, usageErrorFrom, UsageError } from '@wirekit/app-support'
import type { RunPlan } from './results.ts'

/** The comparison's usage. */
export const BENCH_USAGE = `usage: pnpm bench [-- options]   (or: node apps/echo-bench/dist/bench.js [options])

Compares the wirekit echo server with a raw node:net one, Python asyncio and uvloop and a C epoll
server, round by round, and writes docs/benchmarks.md, docs/benchmarks.svg and
docs/benchmarks/results.json.

options:
  --rounds N            rounds of every server at every size (default: 3)
  --duration SECONDS    measured seconds per run (default: 10)
  --warmup SECONDS      load before each measurement (default: 1)
  --sizes LIST          message sizes in bytes, comma-separated (default: 1024,10240,102400)
  --connections N       connections per run (default: 10)
  --threads T           load-generator threads (default: 1)
  --idle N              idle connections for the memory figure (default: 10000)
  --node NODE           also run wirekit and raw node:net on another Node: a path to its binary,
                        or a version (24, 24.11.1) found in ~/.cache/wirekit/node/ or installed
                        there from the npm registry; repeatable
  --smoke               a quick check of the whole pipeline (1 round of 0.5 s at 1 KiB, 200 idle
                        connections); writes nothing unless --out is given
  --from FILE           measure nothing: draw the report and the chart of a saved results.json
  --out DIR             where to write (default: the repository's docs/)
  --no-write            print the report, write nothing
  -h, --help            show this help
`

/** A checked command line for the comparison. */
export interface BenchPlan extends RunPlan {
  readonly help: boolean
  /** `--node` values, resolved to binaries before the run. */
  readonly nodes: readonly string[]
  /** A saved results file to draw instead of measuring. */
  readonly from: string | undefined
  /** The folder to write into, or `undefined` to write nothing. */
  readonly out: string | undefined
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
  const sizes = (values.sizes ?? (smoke ? '1024' : '1024,10240,102400'))
    .split(',')
    .map((size) => parseCount('--sizes', size))
  if (values.out !== undefined && values['no-write'] === true) {
    throw new UsageError('--out and --no-write cannot be used together')
  }
  if (values.from !== undefined && values.node !== undefined) {
    throw new UsageError('--from draws a saved run: --node has nothing to measure')
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
    nodes: values.node ?? [],
    from: values.from,
    out: written ? (values.out ?? docs) : undefined,
  }
}
