import { describe, expect, it } from 'vitest'
import { failedChecks } from '../src/checks.ts'
import { runUDPPortUnreachable } from '../src/scenarios/udp-port-unreachable.ts'
import { naiveDrivenTargets, targets } from './targets.ts'

describe('scenario 15b: ICMP port unreachable on a connected UDP endpoint', () => {
  it('reported through errorReceived, the process alive, the endpoint usable', async () => {
    const result = await runUDPPortUnreachable(targets, { datagrams: 20 })
    expect(failedChecks(result)).toEqual([])
  })

  it("fails against a dgram socket without an 'error' listener", async () => {
    const result = await runUDPPortUnreachable(naiveDrivenTargets, { datagrams: 20 })
    expect(failedChecks(result).map((check) => check.name)).toContain(
      "the endpoint's process lives through the ICMP errors",
    )
  })
})
