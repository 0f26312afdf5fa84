import { describe, expect, it } from 'vitest'
import { failedChecks } from '../src/checks.ts'
import { runChurn } from '../src/scenarios/churn.ts'
import { naiveTargets, targets } from './targets.ts'

describe('scenario 8: connect/echo/close churn', () => {
  it('10,000 cycles: byte-exact, descriptors back to baseline, live memory flat', async () => {
    const result = await runChurn(targets, { cycles: 10_000 })
    expect(failedChecks(result)).toEqual([])
  })

  it('fails against a server that keeps every connection it served (about 1 KiB each)', async () => {
    const result = await runChurn(
      { ...naiveTargets, serverArgs: ['--bug', 'leak-connections'] },
      { cycles: 6000 },
    )
    expect(failedChecks(result).map((check) => check.name)).toEqual([
      'live memory flat over the second half (grew at most 1.0 MiB)',
    ])
  })
})
