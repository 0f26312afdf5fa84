import { describe, expect, it } from 'vitest'
import { failedChecks } from '../src/checks.ts'
import { runTLSHandshakeFlood } from '../src/scenarios/tls-handshake-flood.ts'
import { naiveDrivenTargets, targets } from './targets.ts'

describe('scenario 14c: a flood of failed TLS handshakes', () => {
  it('200 failures at once: all counted, one warning line, a client served', async () => {
    const result = await runTLSHandshakeFlood(targets, { failures: 200, durationMs: 0 })
    expect(failedChecks(result)).toEqual([])
    expect(result.figures['warning lines']).toBe(1)
  })

  it('fails against a server that logs every failed handshake', async () => {
    const result = await runTLSHandshakeFlood(naiveDrivenTargets, { failures: 40, durationMs: 0 })
    expect(failedChecks(result).map((check) => check.name)).toContain(
      'at most one warning line per 10 s',
    )
  })
})
