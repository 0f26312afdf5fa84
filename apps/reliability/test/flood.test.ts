import { describe, expect, it } from 'vitest'
import { failedChecks } from '../src/checks.ts'
import { runFlood } from '../src/scenarios/flood.ts'
import { naiveTargets, targets } from './targets.ts'

describe('scenario 9a: connection flood', () => {
  it('500 connects against --max-connections 100: the excess closed at once, at most 100 held', async () => {
    const result = await runFlood(targets, { connects: 500, maxConnections: 100 })
    expect(failedChecks(result)).toEqual([])
    expect(result.figures['connections held by the server']).toBeLessThanOrEqual(100)
  })

  it('fails against a server that ignores the limit', async () => {
    const result = await runFlood(naiveTargets, {
      connects: 300,
      maxConnections: 100,
      closeWaitMs: 2000,
    })
    expect(failedChecks(result).map((check) => check.name)).toContain(
      'the excess (200) was closed at once',
    )
  })
})
