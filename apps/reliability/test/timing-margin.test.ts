import { availableParallelism } from 'node:os'
import { describe, expect, it } from 'vitest'
import { loadFactor, timingMargin } from '../src/timing-margin.ts'

describe('timing margins', () => {
  it('scale with the load average per core, never below the base', () => {
    const cores = availableParallelism()
    expect(loadFactor(0)).toBe(1)
    expect(loadFactor(cores / 2)).toBe(1)
    expect(loadFactor(cores * 6)).toBe(6)
    const margin = timingMargin(500)
    expect(margin.ms).toBeGreaterThanOrEqual(500)
    expect(margin.description).toMatch(/^500 ms × \d+\.\d \(load average \d+\.\d on \d+ cores?\)$/)
  })
})
