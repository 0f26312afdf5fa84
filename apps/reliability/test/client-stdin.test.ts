import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { failedChecks } from '../src/checks.ts'
import { runClientStdin } from '../src/scenarios/client-stdin.ts'
import { targets } from './targets.ts'

const MIB = 1024 * 1024

describe('scenario 11: echo-client --stdin', () => {
  it('256 MiB through the client: output hashes like input, client RSS within the 64 MiB run + 64 MiB', async () => {
    const result = await runClientStdin(targets, { bytes: 256 * MIB })
    expect(failedChecks(result)).toEqual([])
  })

  it('fails against a client that reads all of its input before sending it', async () => {
    const buffering = fileURLToPath(
      new URL('./fixtures/buffering-echo-client.mjs', import.meta.url),
    )
    const result = await runClientStdin(
      { ...targets, clientScript: buffering },
      { bytes: 256 * MIB },
    )
    expect(failedChecks(result).map((check) => check.name)).toEqual([
      'client peak RSS within the reference run + headroom',
    ])
  })
})
