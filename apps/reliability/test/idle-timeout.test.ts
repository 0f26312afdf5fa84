import { describe, expect, it } from 'vitest'
import { failedChecks } from '../src/checks.ts'
import { runIdleTimeout } from '../src/scenarios/idle-timeout.ts'
import { naiveTargets, targets } from './targets.ts'

describe('scenario 9b: idle timeout', () => {
  it('200 silent clients closed at 2 s while a pinging client keeps its echo', async () => {
    const result = await runIdleTimeout(targets, { silent: 200, timeoutSeconds: 2 })
    expect(failedChecks(result)).toEqual([])
  })

  it('fails against a server that ignores --idle-timeout', async () => {
    const result = await runIdleTimeout(naiveTargets, { silent: 20, timeoutSeconds: 2 })
    expect(failedChecks(result).map((check) => check.name)).toContain(
      'every silent client closed at 2 s',
    )
  })
})
