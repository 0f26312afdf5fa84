import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { publishedPackages, tsc } from './published-packages.ts'

// Inside this package, so that `@wirekit/*` resolves to the built workspace packages.
const folder = fileURLToPath(new URL('../.readme-examples/', import.meta.url))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

/** The ```ts blocks of a README. */
function examples(readme: string): string[] {
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? '')
}

describe('this package sees every published package', () => {
  it('lists each one as a devDependency, so turbo builds it before these checks run', () => {
    const manifest = JSON.parse(
      readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
    ) as { devDependencies?: Record<string, string> }
    const dependencies = Object.keys(manifest.devDependencies ?? {})
    const missing = publishedPackages()
      .map((p) => p.name)
      .filter((name) => !dependencies.includes(name))
    expect(missing, 'add them to packages/package-checks/package.json').toEqual([])
  })
})

describe('README examples of the published packages compile', () => {
  for (const { name, dir } of publishedPackages()) {
    it(`${name}: every ts block type-checks against the built packages`, () => {
      const readme = join(dir, 'README.md')
      expect(existsSync(readme), `${name} has no README.md`).toBe(true)
      const blocks = examples(readFileSync(readme, 'utf8'))
      expect(blocks.length, `${name}'s README has no ts example`).toBeGreaterThan(0)
      const target = join(folder, basename(dir))
      mkdirSync(target, { recursive: true })
      const files = blocks.map((block, i) => {
        const file = join(target, `example-${i + 1}.mts`)
        // Each block is a module of its own.
        writeFileSync(file, `${block}\nexport {}\n`)
        return file
      })
      writeFileSync(
        join(target, 'tsconfig.json'),
        JSON.stringify({
          extends: '../../../../tsconfig.base.json',
          compilerOptions: {
            noEmit: true,
            isolatedDeclarations: false,
            declaration: false,
            declarationMap: false,
          },
          files,
        }),
      )
      const result = spawnSync(process.execPath, [tsc, '-p', join(target, 'tsconfig.json')], {
        encoding: 'utf8',
      })
      expect(result.stdout + result.stderr).toBe('')
      expect(result.status).toBe(0)
    })
  }
})
