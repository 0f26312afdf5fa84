import { describe, expect, it } from 'vitest'
import { failedChecks } from '../src/checks.ts'
import { runDescriptorExhaustion } from '../src/scenarios/descriptor-exhaustion.ts'
import { naiveTargets, targets } from './targets.ts'

describe('scenario 12: descriptors exhausted (EMFILE)', () => {
  it('150 peers against ulimit -n 64: excess closed, one line each way, no busy loop, serving again', async () => {
    const result = await runDescriptorExhaustion(targets, { connects: 150, fdLimit: 64 })
    expect(failedChecks(result)).toEqual([])
  })

  it('fails against a server that says nothing when it runs out of descriptors', async () => {
    const result = await runDescriptorExhaustion(naiveTargets, { connects: 150, fdLimit: 64 })
    expect(failedChecks(result).map((check) => check.name)).toContain(
      'one line when the back-off began',
    )
  })
})
