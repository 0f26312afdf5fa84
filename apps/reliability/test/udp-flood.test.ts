import { describe, expect, it } from 'vitest'
import { failedChecks } from '../src/checks.ts'
import { runUDPFlood } from '../src/scenarios/udp-flood.ts'
import { naiveDrivenTargets, targets } from './targets.ts'

describe('scenario 15a: a UDP sender flooding a slow endpoint', () => {
  it('100,000 datagrams: every one received or counted dropped, flow control fired, memory bounded', async () => {
    const result = await runUDPFlood(targets, { datagrams: 100_000 })
    expect(failedChecks(result)).toEqual([])
  })

  it('fails against a sender without flow control', async () => {
    const result = await runUDPFlood(naiveDrivenTargets, { datagrams: 100_000 })
    expect(failedChecks(result).map((check) => check.name)).toEqual(
      expect.arrayContaining([
        'pauseWriting and resumeWriting fired on the sender, alternating',
        "the sender's queue stayed within the high-water mark + one datagram",
      ]),
    )
  })
})
