import { describe, expect, it } from 'vitest'
import { failedChecks } from '../src/checks.ts'
import { runTLSPlaintextClients } from '../src/scenarios/tls-plaintext-clients.ts'
import { naiveDrivenTargets, targets } from './targets.ts'

describe('scenario 14a: plaintext clients on the TLS port', () => {
  it('30 clients: each closed at once, nothing echoed, counted, one warning line', async () => {
    const result = await runTLSPlaintextClients(targets, { clientsPerKind: 10 })
    expect(failedChecks(result)).toEqual([])
  })

  it('fails against a server that logs every failed handshake', async () => {
    const result = await runTLSPlaintextClients(naiveDrivenTargets, { clientsPerKind: 4 })
    expect(failedChecks(result).map((check) => check.name)).toContain(
      'one rate-limited warning line (at most one per 10 s)',
    )
  })
})
