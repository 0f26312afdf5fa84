import { describe, expect, it } from 'vitest'
import { selectScenarios, scenarios } from '../src/registry.ts'
import { formatResults } from '../src/results-table.ts'

describe('the CLI registry and table', () => {
  it('runs every scenario but the soak by default, and the soak with --full', () => {
    expect(selectScenarios([], false).map((spec) => spec.id)).not.toContain('10')
    expect(selectScenarios([], true)).toHaveLength(scenarios.length)
  })

  it('selects by number; 9 names 9a and 9b; an unknown number is refused', () => {
    expect(selectScenarios(['9', '1'], false).map((spec) => spec.id)).toEqual(['1', '9a', '9b'])
    expect(selectScenarios(['13'], false).map((spec) => spec.id)).toEqual(['13a', '13b'])
    expect(selectScenarios(['14', '17'], false).map((spec) => spec.id)).toEqual([
      '14a',
      '14b',
      '14c',
      '14d',
      '14e',
      '17',
    ])
    expect(() => selectScenarios(['99'], false)).toThrow(/unknown scenario 99/)
  })

  it('formats a row per result and the evidence of failed checks', () => {
    const text = formatResults([
      {
        id: '1',
        title: 'backpressure',
        size: '256.0 MiB',
        ok: false,
        durationMs: 1500,
        checks: [{ name: 'the sender stalled', ok: false, detail: 'every write drained' }],
        figures: { 'peak VmHWM': '80.0 MiB' },
      },
    ])
    expect(text).toMatch(/^1\s+backpressure\s+256\.0 MiB\s+FAIL\s+1\.5 s$/m)
    expect(text).toContain('peak VmHWM: 80.0 MiB')
    expect(text).toContain('[FAILED] the sender stalled: every write drained')
  })
})
