import { describe, expect, it } from 'vitest'
import { failedChecks } from '../src/checks.ts'
import { runTLSNoCloseNotify } from '../src/scenarios/tls-no-close-notify.ts'
import { naiveDrivenTargets, targets } from './targets.ts'

describe('scenario 14d: TLS peers that never send close_notify', () => {
  it('silent, non-reading and truncating peers: the close ends by the shutdown timeout, every connection lost', async () => {
    const result = await runTLSNoCloseNotify(targets, { peersPerKind: 5 })
    expect(failedChecks(result)).toEqual([])
  })

  it('fails against a server whose close waits for every peer to close', async () => {
    const result = await runTLSNoCloseNotify(naiveDrivenTargets, { peersPerKind: 2 })
    expect(failedChecks(result).map((check) => check.name)).toContain(
      "the server's close ended by the shutdown timeout",
    )
  })
})
