import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { publishedPackages } from './published-packages.ts'
import { root } from './throwaway-copy.ts'

// What the other checks here take for granted, said once so that a new published package that
// misses one fails with its name instead of a confusing error further on.
describe('every published package is known here', () => {
  const names = publishedPackages().map((p) => p.name)

  it('is a devDependency of repo-checks, so turbo builds it before the release test copies it', () => {
    const manifest = JSON.parse(
      readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
    ) as { devDependencies?: Record<string, string> }
    const missing = names.filter((name) => manifest.devDependencies?.[name] !== 'workspace:*')
    expect(missing, 'add them to packages/repo-checks/package.json').toEqual([])
  })

  it('is an entry point of the API reference (typedoc.json)', () => {
    const typedoc = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8')) as {
      entryPoints: string[]
    }
    expect([...typedoc.entryPoints].sort()).toEqual(
      publishedPackages()
        .map((p) => p.relativeDir)
        .sort(),
    )
  })
})
