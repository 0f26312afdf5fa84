import { describe, expect, it } from 'vitest'
import { failedChecks } from '../src/checks.ts'
import { runHalfClose } from '../src/scenarios/half-close.ts'
import { naiveTargets, targets } from './targets.ts'

const SIZES = [0, 1, 64 * 1024, 64 * 1024 * 1024]

describe('scenario 3: half-close', () => {
  it('0 B, 1 B, 64 KiB and 64 MiB then FIN: exactly the payload, then EOF', async () => {
    const result = await runHalfClose(targets, { sizes: SIZES })
    expect(failedChecks(result)).toEqual([])
    expect(result.checks).toHaveLength(SIZES.length)
  })

  it('fails against a server that drops its pending echo on FIN', async () => {
    const result = await runHalfClose(
      { ...naiveTargets, serverArgs: ['--bug', 'drop-on-eof'] },
      { sizes: [64 * 1024 * 1024] },
    )
    expect(failedChecks(result).map((check) => check.name)).toEqual([
      '67108864 B then FIN: the payload, then EOF',
    ])
  })
})
