import { describe, expect, it } from 'vitest'
import { failedChecks } from '../src/checks.ts'
import { runProxySilentPeers } from '../src/scenarios/proxy-silent-peers.ts'
import { naiveDrivenTargets, targets } from './targets.ts'

describe('scenario 16b: peers that never send a PROXY header', () => {
  it('200 silent and 5 trickling: closed at the 2 s timeout, memory bounded, traffic served', async () => {
    const result = await runProxySilentPeers(targets, { peers: 200, timeoutMs: 2000 })
    expect(failedChecks(result)).toEqual([])
  })

  it('fails against a server without a header timeout', async () => {
    const result = await runProxySilentPeers(naiveDrivenTargets, { peers: 20, tricklers: 2 })
    expect(failedChecks(result).map((check) => check.name)).toContain(
      'every silent peer closed at the PROXY header timeout',
    )
  })
})
