import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { root, runChecked } from './throwaway-copy.ts'

const workflows = join(root, '.github/workflows')
const validator = fileURLToPath(
  new URL('../node_modules/@action-validator/cli/cli.mjs', import.meta.url),
)

describe('the GitHub workflows', () => {
  it.each(readdirSync(workflows))(
    '%s passes action-validator (the workflow JSON schema)',
    async (file) => {
      await runChecked(process.execPath, [validator, join(workflows, file)], root)
    },
  )

  it('ci.yml runs .ci/run, which runs the README test command', () => {
    expect(readFileSync(join(workflows, 'ci.yml'), 'utf8')).toMatch(/^\s+- run: bash \.ci\/run$/m)
  })

  it('release.yml asks for provenance, with the OIDC token npm needs for it', () => {
    const release = readFileSync(join(workflows, 'release.yml'), 'utf8')
    expect(release).toMatch(/^\s+id-token: write\b/m)
    expect(release).toMatch(/^\s+NPM_CONFIG_PROVENANCE: true$/m)
    expect(release).toMatch(/^\s+publish: pnpm run release$/m)
    expect(release).toMatch(/^\s+version: pnpm run version-packages$/m)
  })
})
