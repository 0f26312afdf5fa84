import { describe, expect, it } from 'vitest'
import { failedChecks } from '../src/checks.ts'
import { runSigterm } from '../src/scenarios/sigterm.ts'
import { naiveTargets, targets } from './targets.ts'

describe('scenario 5: SIGTERM', () => {
  it('refuses new connects, flushes busy echoes, aborts non-readers at 2 s, exits 0', async () => {
    const result = await runSigterm(targets, {
      idle: 50,
      busy: 10,
      nonReaders: 5,
      shutdownSeconds: 2,
    })
    expect(failedChecks(result)).toEqual([])
  })

  it('fails against a server that exits at once on SIGTERM', async () => {
    const result = await runSigterm(naiveTargets, {
      idle: 5,
      busy: 2,
      nonReaders: 1,
      shutdownSeconds: 2,
    })
    // Its busy echoes still arrive (they were in kernel buffers already); the deadline is missed.
    expect(failedChecks(result).map((check) => check.name)).toEqual([
      'non-readers aborted at the 2 s deadline',
    ])
  })
})
