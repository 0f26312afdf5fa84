import { describe, expect, it } from 'vitest'
import { failedChecks } from '../src/checks.ts'
import { runTLSHangUps } from '../src/scenarios/tls-hang-ups.ts'
import { targets } from './targets.ts'

describe('scenario 14e: TLS peers that go away mid-handshake', () => {
  // transport-tcp's TLS acceptor runs its handshakes with allowHalfOpen off, so that a FIN during
  // the handshake fails it at once (half-open again once the handshake is done).
  it('each released at once, not at the handshake timeout', async () => {
    const result = await runTLSHangUps(targets, { peersPerKind: 5, handshakeTimeoutMs: 5000 })
    expect(failedChecks(result)).toEqual([])
  })
})
