import { cpuPerRequest, requestsPerSecond, type Measured, type Spread } from './figures.ts'
import { micros, sizeLabel, times, whole } from './format.ts'
import type { ServerInfo } from './servers.ts'

/** A Markdown table. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  return [header, header.map(() => '---'), ...rows]
    .map((row) => `| ${row.join(' | ')} |`)
    .join('\n')
}

/** A column of ratios: each row's figure over that of another server. */
export interface RatioColumn {
  /** `/ uvloop` */
  readonly header: string
  /** The server a row's server is divided by, if any. */
  readonly versus: (server: ServerInfo) => ServerInfo | undefined
}

/** A column of its own, after the figures: loss, the generator's CPU. */
export interface ExtraColumn {
  readonly header: string
  readonly cell: (server: ServerInfo, size: number) => string
}

/** The figures of one comparison, and the ratio columns its tables show. */
export interface ComparisonInput {
  readonly measured: Measured
  readonly servers: readonly ServerInfo[]
  readonly sizes: readonly number[]
  readonly ratios: readonly RatioColumn[]
}

/** `a / b` of two medians, or `n/a` when either is missing (or when they are the same server). */
function ratio(value: Spread | undefined, versus: Spread | undefined, same: boolean): string {
  return value === undefined || versus === undefined || same
    ? 'n/a'
    : times(value.median / versus.median)
}

function rows(
  input: ComparisonInput,
  figure: (server: string, size: number) => Spread | undefined,
  cells: (server: ServerInfo, size: number, own: Spread) => readonly string[],
): string[][] {
  return input.sizes.flatMap((size) =>
    input.servers.flatMap((server) => {
      const own = figure(server.name, size)
      if (own === undefined) {
        return []
      }
      const ratios = input.ratios.map(({ versus }) => {
        const other = versus(server)
        return ratio(own, other && figure(other.name, size), other?.name === server.name)
      })
      return [[sizeLabel(size), server.name, ...cells(server, size, own), ...ratios]]
    }),
  )
}

/**
 * Requests (or datagrams, or connections) per second: median and range of every server at every
 * size, then `extras`, then the ratios.
 * @param unit - `req/s`, `datagrams/s`, `connections/s`.
 */
export function rateTable(
  input: ComparisonInput,
  unit = 'req/s',
  extras: readonly ExtraColumn[] = [],
): string {
  const rps = (server: string, size: number): Spread | undefined =>
    requestsPerSecond(input.measured, server, size)
  const body = rows(input, rps, (server, size, own) => [
    whole(own.median),
    `${whole(own.min)}-${whole(own.max)}`,
    ...extras.map((extra) => extra.cell(server, size)),
  ])
  return markdownTable(
    [
      'size',
      'server',
      `${unit} (median)`,
      'min-max',
      ...extras.map((extra) => extra.header),
      ...input.ratios.map((column) => column.header),
    ],
    body,
  )
}

/** The server's own CPU time per request, user and system apart, with the ratios. */
export function cpuTable(input: ComparisonInput): string {
  const cpu = (server: string, size: number): Spread | undefined =>
    cpuPerRequest(input.measured, server, size)?.total
  const body = rows(input, cpu, (server, size, own) => {
    const figure = cpuPerRequest(input.measured, server.name, size)
    return [
      micros(figure?.user ?? Number.NaN),
      micros(figure?.system ?? Number.NaN),
      micros(own.median),
      `${micros(own.min)}-${micros(own.max)}`,
    ]
  })
  return body.length === 0
    ? 'Not measured in this run.'
    : markdownTable(
        [
          'size',
          'server',
          'user µs',
          'system µs',
          'total µs (median)',
          'min-max',
          ...input.ratios.map((column) => column.header),
        ],
        body,
      )
}
