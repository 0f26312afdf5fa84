import { describe, expect, it } from 'vitest'
import { failedChecks } from '../src/checks.ts'
import { runByteExact, tricky } from '../src/scenarios/byte-exact.ts'
import { targets } from './targets.ts'

describe('scenario 2: byte-exact echo', () => {
  it('the pattern holds every byte value and invalid UTF-8', () => {
    const pattern = tricky()
    expect(new Set(pattern).size).toBe(256)
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(pattern)).toThrow(TypeError)
  })

  it('1-byte writes, random 1 B..64 KiB chunks (8 MiB) and one 1 MiB write come back byte-exact', async () => {
    const result = await runByteExact(targets, { randomBytes: 8 * 1024 * 1024 })
    expect(failedChecks(result)).toEqual([])
    expect(result.checks).toHaveLength(3)
  })
})
