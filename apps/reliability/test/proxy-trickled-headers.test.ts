import { describe, expect, it } from 'vitest'
import { failedChecks } from '../src/checks.ts'
import { runProxyTrickledHeaders } from '../src/scenarios/proxy-trickled-headers.ts'
import { naiveDrivenTargets, targets } from './targets.ts'

describe('scenario 16a: PROXY headers trickled one byte at a time', () => {
  it('4 headers (v1 and v2): each accepted with its client address, echo byte-exact', async () => {
    const result = await runProxyTrickledHeaders(targets, { peers: 4 })
    expect(failedChecks(result)).toEqual([])
  })

  it('fails against a server that wants the whole header in its first read', async () => {
    const result = await runProxyTrickledHeaders(naiveDrivenTargets, { peers: 2 })
    expect(failedChecks(result).map((check) => check.name)).toContain(
      "every connection accepted, its peer the header's client",
    )
  })
})
