import { describe, expect, it } from 'vitest'
import { slope } from '../src/scenarios/soak.ts'

// The soak itself runs on demand only (`--scenario 10 --minutes M`); its slope is tested here.
describe('scenario 10: soak slope', () => {
  it('is the least-squares slope', () => {
    expect(slope([0, 1, 2, 3], [10, 11, 12, 13])).toBeCloseTo(1)
    expect(slope([0, 1, 2, 3], [10, 12, 10, 12])).toBeCloseTo(0.4)
    expect(slope([1, 1], [3, 5])).toBe(0)
  })
})
