import { describe, expect, it } from 'vitest'
import { failedChecks } from '../src/checks.ts'
import { runPeerReset } from '../src/scenarios/peer-reset.ts'
import { targets } from './targets.ts'

describe('scenario 4: a peer resets mid-transfer', () => {
  it('the server lives, logs at most one line, frees the descriptor; others stay byte-exact', async () => {
    const result = await runPeerReset(targets, { bytes: 100 * 1024 * 1024 })
    expect(failedChecks(result)).toEqual([])
    expect(result.figures['sent before the reset']).toBe('50.0 MiB')
  })
})
