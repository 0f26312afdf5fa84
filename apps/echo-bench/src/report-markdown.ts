import { cpuTable, latencyTable, memoryTable, throughputTable } from './report.ts'
import { serversOf, type BenchResults } from './results.ts'
import { sectionReport, sectionSummaries } from './section-report.ts'
import { targetsSection } from './verdicts.ts'

/** The hand-written findings, beside the generated report; the report links, never copies them. */
export const FINDINGS_FILE = 'benchmarks-findings.md'

function machine(results: BenchResults): string[] {
  const env = results.environment
  const lines =
    env === undefined
      ? ['- not recorded in this results file']
      : [
          `- CPU: ${env.cpu}, ${env.cores} cores; memory ${env.memoryGiB} GiB; Linux ${env.kernel}; ${env.clockTicksPerSecond} clock ticks per second`,
          `- load generator: Node.js ${env.generator}, in a process of its own`,
        ]
  return [
    ...lines,
    ...serversOf(results).map((server) => `- ${server.name}: ${server.runtime}`),
    ...(results.notes ?? []).map((note) => `- ${note}`),
  ]
}

/** The plain TCP comparison's part of the report: its figures, latency and idle memory. */
function tcpParts(results: BenchResults): string[] {
  return [
    '## Requests per second',
    '',
    throughputTable(results),
    '',
    "## Server's own CPU time per request",
    '',
    cpuTable(results),
    '',
    '## Latency (median of the runs)',
    '',
    latencyTable(results),
    '',
    "## Memory of idle connections (growth of the server's VmRSS, per connection)",
    '',
    memoryTable(results),
    '',
  ]
}

/**
 * The whole of docs/benchmarks.md, from one run's results alone: the same results always give
 * the same report, and every verdict in it is computed from the figures next to it.
 */
export function renderReport(results: BenchResults): string {
  const { plan } = results
  const when = results.date === undefined ? '' : ` on ${results.date}`
  const command = results.command === undefined ? '' : ` with \`${results.command}\``
  const tcp = plan.sections?.includes('tcp') ?? true
  const sections = results.sections ?? []
  return [
    '# Benchmarks',
    '',
    `Measured${when}${command}: ${plan.rounds} round${plan.rounds === 1 ? '' : 's'}, ${plan.duration} s per run after ${plan.warmup} s of warm-up, ${plan.connections} connections, load generator in its own process with ${plan.threads} thread${plan.threads === 1 ? '' : 's'}; servers alternate round by round, a fresh process per run. This file is generated: do not edit it.`,
    '',
    "Load generator and server share the machine, so requests/s partly measures how much CPU a server leaves to the generator; ratios measured side by side are the figure, not the absolute numbers. The CPU time per request does not depend on that: it is the server's own user and system time from `/proc/PID/stat` (of every process of the server), sampled when each measured window starts and ends, divided by the requests of that window.",
    '',
    ...(tcp
      ? [
          '![Requests per second and CPU time per request of every server at every size](benchmarks.svg)',
          '',
        ]
      : []),
    '## Machine',
    '',
    ...machine(results),
    '',
    '## Targets, computed from this run',
    '',
    tcp ? targetsSection(results, sectionSummaries(results)) : sectionSummaries(results).join('\n'),
    '',
    ...(tcp ? tcpParts(results) : []),
    ...sections.flatMap((section) => [sectionReport(section, results), '']),
    '## Findings',
    '',
    `What the figures mean and where the time goes is written by hand in [${FINDINGS_FILE}](${FINDINGS_FILE}); each finding there names the run it comes from. The figures and verdicts above are this run's own.`,
    '',
  ].join('\n')
}
