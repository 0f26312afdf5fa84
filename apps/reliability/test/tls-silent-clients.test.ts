import { describe, expect, it } from 'vitest'
import { failedChecks } from '../src/checks.ts'
import { runTLSSilentClients } from '../src/scenarios/tls-silent-clients.ts'
import { naiveDrivenTargets, targets } from './targets.ts'

describe('scenario 14b: TLS clients that never handshake', () => {
  it('200 silent and 5 trickling: closed at the 2 s handshake timeout, memory bounded, a client served', async () => {
    const result = await runTLSSilentClients(targets, { clients: 200, handshakeTimeoutMs: 2000 })
    expect(failedChecks(result)).toEqual([])
  })

  it("fails against a server with Node's 120 s handshake timeout", async () => {
    const result = await runTLSSilentClients(naiveDrivenTargets, { clients: 20, tricklers: 2 })
    expect(failedChecks(result).map((check) => check.name)).toContain(
      'every silent peer closed at the handshake timeout',
    )
  })
})
