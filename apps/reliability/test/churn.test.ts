import { describe, expect, it } from 'vitest'
import { failedChecks } from '../src/checks.ts'
import { runChurn } from '../src/scenarios/churn.ts'
import { targets } from './targets.ts'

describe('scenario 8: connect/echo/close churn', () => {
  it('10,000 cycles: byte-exact, descriptors back to baseline, RSS within 16 MiB and flat', async () => {
    const result = await runChurn(targets, { cycles: 10_000 })
    expect(failedChecks(result)).toEqual([])
  })
})
