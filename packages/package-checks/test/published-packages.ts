import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository's root folder. */
export const root = fileURLToPath(new URL('../../../', import.meta.url))

/** A package that is published: its folder and manifest. */
export interface PublishedPackage {
  readonly name: string
  readonly dir: string
}

/** Every package under packages/ whose manifest is not private, found anew each run. */
export function publishedPackages(): PublishedPackage[] {
  const packages: PublishedPackage[] = []
  for (const entry of readdirSync(join(root, 'packages'))) {
    const dir = join(root, 'packages', entry)
    let manifest: { name?: string; private?: boolean }
    try {
      manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as typeof manifest
    } catch {
      continue
    }
    if (manifest.private !== true && manifest.name !== undefined) {
      packages.push({ name: manifest.name, dir })
    }
  }
  return packages
}

/** The workspace's own TypeScript compiler. */
export const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')

/** The workspace's type definitions (for `node:` modules in consumers outside it). */
export const typeRoots = join(root, 'node_modules', '@types')
