import { describe, expect, it } from 'vitest'
import { failedChecks } from '../src/checks.ts'
import { runBackpressure } from '../src/scenarios/backpressure.ts'
import { naiveTargets, targets } from './targets.ts'

const MIB = 1024 * 1024

describe('scenario 1: backpressure', () => {
  it('256 MiB to a client that stops reading: sender stalls, server RSS bounded, echo byte-exact', async () => {
    const result = await runBackpressure(targets, { bytes: 256 * MIB })
    expect(failedChecks(result)).toEqual([])
    expect(result.ok).toBe(true)
  })

  it('fails against a server without backpressure', async () => {
    const result = await runBackpressure(naiveTargets, { bytes: 128 * MIB })
    const failed = failedChecks(result).map((check) => check.name)
    expect(failed).toContain('the sender stalled (backpressure reached it)')
    expect(failed).toContain('server peak RSS within baseline + headroom')
    expect(result.ok).toBe(false)
  })
})
