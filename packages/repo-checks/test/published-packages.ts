import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { root } from './throwaway-copy.ts'

/** A package of `packages/` that is published. */
export interface PublishedPackage {
  readonly name: string
  /** Its folder. */
  readonly dir: string
  /** Its folder, relative to the repository's root (`packages/transport-tcp`). */
  readonly relativeDir: string
}

/** Every package under `packages/` whose manifest is not private, found anew each run. */
export function publishedPackages(): PublishedPackage[] {
  return readdirSync(join(root, 'packages')).flatMap((entry) => {
    const relativeDir = `packages/${entry}`
    const dir = join(root, relativeDir)
    let manifest: { name?: string; private?: boolean }
    try {
      manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as typeof manifest
    } catch {
      return []
    }
    return manifest.private === true || manifest.name === undefined
      ? []
      : [{ name: manifest.name, dir, relativeDir }]
  })
}
