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

  it('fails against a server that resets its connections on SIGTERM', async () => {
    const result = await runSigterm(
      { ...naiveTargets, serverArgs: ['--bug', 'sigterm-reset'] },
      { idle: 5, busy: 2, nonReaders: 0, shutdownSeconds: 2 },
    )
    const failed = failedChecks(result).map((check) => check.name)
    expect(failed).toContain('idle clients closed at once (EOF)')
    expect(failed).toContain('busy clients got their full echo, byte-exact, then EOF')
  })
})
