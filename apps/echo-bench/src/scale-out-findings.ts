import { cpuPerRequest, median, requestsPerSecond } from './figures.ts'
import { micros, sizeLabel, times } from './format.ts'
import type { BenchResults, SectionResults } from './results.ts'

const runsOf = (section: SectionResults, server: string) =>
  section.series.filter((s) => s.server === server).flatMap((s) => s.runs)

/** `a / b` of two medians as `1.23x`, or undefined when either is missing. */
function ratioOf(a: number | undefined, b: number | undefined): string | undefined {
  return a === undefined || b === undefined ? undefined : times(a / b)
}

/**
 * What `--workers 2` against `--workers 1` means on the machine that measured it, from the
 * figures alone: the ratios at each size, and how much of the cores the load generator took.
 */
export function workersFinding(section: SectionResults, results: BenchResults): string {
  const one = section.servers.find((s) => s.workers === 1)
  const two = section.servers.find((s) => s.workers === 2)
  if (one === undefined || two === undefined || section.series.length === 0) {
    return ''
  }
  const perSize = section.sizes.flatMap((size) => {
    const rps = ratioOf(
      requestsPerSecond(section, two.name, size)?.median,
      requestsPerSecond(section, one.name, size)?.median,
    )
    const cpu = ratioOf(
      cpuPerRequest(section, two.name, size)?.total.median,
      cpuPerRequest(section, one.name, size)?.total.median,
    )
    return rps === undefined
      ? []
      : [
          `${rps} the requests/s at ${sizeLabel(size)}${cpu === undefined ? '' : ` (CPU per request ${cpu})`}`,
        ]
  })
  const generator = median(runsOf(section, two.name).map((run) => run.generatorCpu))
  const cores = results.environment?.cores
  const threads = results.plan.threads
  const left = cores === undefined ? undefined : cores - generator
  const meaning =
    left === undefined
      ? 'The number of cores was not recorded, so what the ratio means here cannot be said.'
      : left < 2
        ? `This machine has ${cores} cores and the load generator (${threads} thread${threads === 1 ? '' : 's'}) used a median of ${generator.toFixed(2)} of a core in the 2-worker runs, which left the two server processes about ${left.toFixed(1)} cores between them, not two of their own: the ratio is what a second process gains while competing with the generator for the same cores, not how wirekit scales with cores (that needs a generator on cores, or a machine, of its own).`
        : `This machine has ${cores} cores and the load generator used a median of ${generator.toFixed(2)} of a core in the 2-worker runs, which left the two server processes at least two cores: the ratio is how the server scales from one process to two here (2.00x at most).`
  return `With 2 workers, echo-server served ${perSize.join(', ')} of 1 worker (CPU per request counts every process of the server). ${meaning}`
}

/** The PROXY header's cost per connection, v1 and v2, against the same server without it. */
export function proxyFinding(section: SectionResults): string {
  const plain = section.servers.find((s) => s.kind === 'wirekit' && s.proxyHeader === undefined)
  const size = section.sizes[0]
  if (plain === undefined || size === undefined) {
    return ''
  }
  const base = cpuPerRequest(section, plain.name, size)?.total.median
  const baseRate = requestsPerSecond(section, plain.name, size)?.median
  const parts = section.servers.flatMap((server) => {
    if (server.proxyHeader === undefined) {
      return []
    }
    const cpu = cpuPerRequest(section, server.name, size)?.total.median
    const rate = ratioOf(requestsPerSecond(section, server.name, size)?.median, baseRate)
    if (cpu === undefined || base === undefined || rate === undefined) {
      return []
    }
    const extra = cpu - base
    return [
      `a v${server.proxyHeader} header ${extra >= 0 ? 'cost' : 'saved'} ${micros(Math.abs(extra))} µs of server CPU per connection (${micros(cpu)} µs against ${micros(base)} µs) and gave ${rate} the connections/s`,
    ]
  })
  return parts.length === 0
    ? ''
    : `Against the same server without the PROXY protocol, ${parts.join('; ')}. Differences smaller than the min-max ranges of the CPU table are noise.`
}
