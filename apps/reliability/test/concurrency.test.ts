import { describe, expect, it } from 'vitest'
import { failedChecks } from '../src/checks.ts'
import { runConcurrency } from '../src/scenarios/concurrency.ts'
import { targets } from './targets.ts'

describe('scenario 7: concurrent connections', () => {
  it('1,000 connections open at once each echo 64 KiB byte-exact', async () => {
    const result = await runConcurrency(targets, { connections: 1000 })
    expect(failedChecks(result)).toEqual([])
    expect(result.figures['server descriptors with all open']).toBeGreaterThanOrEqual(1000)
  })
})
