import { describe, expect, it } from 'vitest'
import { failedChecks } from '../src/checks.ts'
import { runCallbackErrors } from '../src/scenarios/callback-errors.ts'
import { targets } from './targets.ts'

describe('scenario 6: protocol callbacks that throw', () => {
  it('each throw is reported once, ends its connection, and others keep being served', async () => {
    const result = await runCallbackErrors(targets, { rounds: 3 })
    expect(failedChecks(result)).toEqual([])
    expect(result.figures['errors reported']).toBe(12)
  })
})
