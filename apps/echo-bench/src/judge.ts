import { overlap, type Spread } from './figures.ts'
import { micros, times, whole } from './format.ts'

/** One target of the performance issues, judged on one run's own figures. */
export interface Verdict {
  /** The wirekit server judged. */
  readonly server: string
  readonly target: string
  /** The ratio and the figures behind it, or why there is none. */
  readonly measured: string
  /** `undefined` when the run did not measure what the target needs. */
  readonly met: boolean | undefined
  readonly note: string
}

/** How a figure is written in the measured column. */
const UNITS = {
  'req/s': (value: number) => `${whole(value)} req/s`,
  'datagrams/s': (value: number) => `${whole(value)} datagrams/s`,
  cpu: (value: number) => `${micros(value)} µs`,
  latency: (value: number) => `${whole(value)} µs`,
}

/**
 * Judges one target on one run's figures: `value / versus` against a limit. `atMost` targets (CPU, latency) are met at or below the
 * limit, the others at or above it.
 */
export function judge(
  server: string,
  target: string,
  value: Spread | undefined,
  versus: Spread | undefined,
  missing: string,
  limit: number,
  atMost: boolean,
  unit: keyof typeof UNITS,
): Verdict {
  if (value === undefined || versus === undefined) {
    return { server, target, measured: 'not measured', met: undefined, note: missing }
  }
  const ratio = value.median / versus.median
  // Judged as shown, to two decimals: a ratio printed 1.10x meets "within 1.1x".
  const judged = Number(ratio.toFixed(2))
  const shown = UNITS[unit]
  return {
    server,
    target,
    measured: `${times(ratio)} (${shown(value.median)} vs ${shown(versus.median)})`,
    met: atMost ? judged <= limit : judged >= limit,
    note: overlap(value, versus) ? 'the min-max ranges overlap' : '',
  }
}

/** The note of a target a run could not judge. */
export const missingIn = (what: string): string => `no ${what} in this run`

/**
 * `- **wirekit** met 14 of the 16 targets this run measured; missed: ...`
 * @param label - How the server is named in the line (default: its name).
 */
export function verdictSummary(
  server: string,
  all: readonly Verdict[],
  label: string = server,
): string {
  const judged = all.filter((v) => v.server === server && v.met !== undefined)
  const missed = judged.filter((v) => v.met === false)
  const list = missed.map((v) => `${v.target} (${v.measured.split(' ')[0] ?? ''})`).join('; ')
  return `- **${label}** met ${judged.length - missed.length} of the ${judged.length} targets this run measured${missed.length === 0 ? '.' : `; missed: ${list}.`}`
}

/** The verdicts as a Markdown table, one row each. */
export function verdictRows(all: readonly Verdict[]): string[] {
  return [
    '| server | target | measured | met | note |',
    '| --- | --- | --- | --- | --- |',
    ...all.map(
      (v) =>
        `| ${v.server} | ${v.target} | ${v.measured} | ${v.met === undefined ? 'n/a' : v.met ? 'yes' : '**no**'} | ${v.note} |`,
    ),
  ]
}
