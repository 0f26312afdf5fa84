import { describe, expect, it } from 'vitest'
import { failedChecks } from '../src/checks.ts'
import { runProxyForgedHeaders } from '../src/scenarios/proxy-forged-headers.ts'
import { naiveDrivenTargets, targets } from './targets.ts'

describe('scenario 16c: forged and malformed PROXY headers', () => {
  it('refused at once, nothing echoed, no forged address, the balancer served', async () => {
    const result = await runProxyForgedHeaders(targets, { peersPerKind: 3 })
    expect(failedChecks(result)).toEqual([])
  })

  it('fails against a server that takes a header from anyone', async () => {
    const result = await runProxyForgedHeaders(naiveDrivenTargets, { peersPerKind: 1 })
    expect(failedChecks(result).map((check) => check.name)).toContain(
      'no protocol made with the forged address; the genuine one has its client address',
    )
  })
})
