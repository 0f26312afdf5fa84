import { describe, expect, it } from 'vitest'
import { failedChecks } from '../src/checks.ts'
import { runDrainUnderLoad } from '../src/scenarios/drain-under-load.ts'
import { naiveDrivenTargets, targets } from './targets.ts'

describe('scenario 17: drain under load', () => {
  it('200 connections: ended + closed + aborted add up, every connectionLost, clean ends', async () => {
    const result = await runDrainUnderLoad(targets, { connections: 200 })
    expect(failedChecks(result)).toEqual([])
  })

  it('fails against a server that destroys what is left at the deadline', async () => {
    const result = await runDrainUnderLoad(naiveDrivenTargets, { connections: 40 })
    expect(failedChecks(result).map((check) => check.name)).toContain(
      'finishing ones counted ended, busy ones closed, stuck ones aborted',
    )
  })
})
