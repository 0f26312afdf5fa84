import type { ScenarioResult } from './checks.ts'

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length)
}

/**
 * Formats results as a plain-text table (one row per scenario), then each scenario's figures and
 * the evidence of every failed check.
 */
export function formatResults(results: readonly ScenarioResult[]): string {
  const rows = results.map((result) => [
    result.id,
    result.title,
    result.size,
    result.ok ? 'PASS' : 'FAIL',
    `${(result.durationMs / 1000).toFixed(1)} s`,
  ])
  const header = ['#', 'scenario', 'size', 'result', 'time']
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  )
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => pad(cell, widths[column] ?? 0))
      .join('  ')
      .trimEnd()
  const out = [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line), '']
  for (const result of results) {
    out.push(`${result.id}. ${result.title} (${result.size}): ${result.ok ? 'PASS' : 'FAIL'}`)
    for (const [name, value] of Object.entries(result.figures)) {
      out.push(`    ${name}: ${value}`)
    }
    for (const check of result.checks) {
      out.push(
        `    [${check.ok ? 'ok' : 'FAILED'}] ${check.name}${check.ok ? '' : `: ${check.detail}`}`,
      )
    }
  }
  return out.join('\n')
}
