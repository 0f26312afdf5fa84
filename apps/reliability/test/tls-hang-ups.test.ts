import { describe, expect, it } from 'vitest'
import { failedChecks } from '../src/checks.ts'
import { runTLSHangUps } from '../src/scenarios/tls-hang-ups.ts'
import { targets } from './targets.ts'

describe('scenario 14e: TLS peers that go away mid-handshake', () => {
  // Pinned: transport-tcp's TLS acceptor runs its handshakes on a tls.Server with allowHalfOpen
  // (which TLS half-close needs once the handshake is done), so a FIN during the handshake is not
  // acted on and the connection waits for the handshake timeout; Node's own tls.Server releases it
  // at once. When the transport is fixed this test fails: make it a plain `it`.
  it.fails(
    'each released at once, not at the handshake timeout (fails until fixed: a FIN mid-handshake waits for the handshake timeout)',
    async () => {
      const result = await runTLSHangUps(targets, { peersPerKind: 5, handshakeTimeoutMs: 5000 })
      expect(failedChecks(result)).toEqual([])
    },
  )
})
