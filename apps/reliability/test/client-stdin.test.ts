import { describe, expect, it } from 'vitest'
import { failedChecks } from '../src/checks.ts'
import { runClientStdin } from '../src/scenarios/client-stdin.ts'
import { targets } from './targets.ts'

describe('scenario 11: echo-client --stdin', () => {
  it('256 MiB through the client: output hashes like input, client RSS within 1 KiB run + 64 MiB', async () => {
    const result = await runClientStdin(targets, { bytes: 256 * 1024 * 1024 })
    expect(failedChecks(result)).toEqual([])
  })
})
