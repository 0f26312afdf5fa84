import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { root, runChecked } from './throwaway-copy.ts'

const out = mkdtempSync(join(tmpdir(), 'wirekit-api-docs-'))
afterAll(() => rmSync(out, { recursive: true, force: true }))

describe('the API reference (typedoc.json at the root, one site for every published package)', () => {
  it('builds without a warning and links types across packages', async () => {
    // treatWarningsAsErrors: an undocumented export or a broken link fails the run.
    await runChecked(
      process.execPath,
      [join(root, 'node_modules/typedoc/bin/typedoc'), '--out', out, '--logLevel', 'Warn'],
      root,
    )
    const connection = readFileSync(
      join(out, 'interfaces/_wirekit_transport-tcp.TCPConnection.html'),
      'utf8',
    )
    // transport-tcp's TCPConnection.transport is protocol-core's Transport, linked to its page.
    expect(connection).toMatch(
      /<a href="_wirekit_protocol-core\.Transport\.html" class="tsd-signature-type[^"]*">Transport<\/a>/,
    )
    expect(existsSync(join(out, 'interfaces/_wirekit_protocol-core.Transport.html'))).toBe(true)
  })
})
