import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { publishedPackages } from './published-packages.ts'

/** A packed package: its name, version and tarball. */
export interface PackedPackage {
  readonly name: string
  readonly version: string
  readonly tarball: string
}

/**
 * Packs every published package into `folder` with `pnpm pack`, which turns `workspace:` ranges
 * into the versions a user's install resolves.
 */
export function packPublished(folder: string): PackedPackage[] {
  return publishedPackages().map(({ name, dir }) => {
    const before = new Set(readdirSync(folder))
    execFileSync('pnpm', ['pack', '--pack-destination', folder], { cwd: dir, stdio: 'ignore' })
    const tarball = readdirSync(folder).find((file) => !before.has(file) && file.endsWith('.tgz'))
    if (tarball == null) {
      throw new Error(`pnpm pack wrote no tarball for ${name}`)
    }
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      version: string
    }
    return { name, version: manifest.version, tarball: join(folder, tarball) }
  })
}

/**
 * Installs the tarballs into `consumer` with npm, as a user's `npm install` would, without the
 * network. Each `@wirekit/*` package is a `file:` dependency and an override: the dependencies
 * between them (`@wirekit/protocol-core@^x.y.z` in the packed manifests) then resolve to the
 * tarballs and npm asks the registry nothing (given only the tarballs, npm still asks for
 * `@wirekit/protocol-core`, and retries for a minute when the registry cannot be reached).
 * `--offline`, with a cache of its own, answers any request still made from that empty cache.
 */
export function installPacked(consumer: string, packed: readonly PackedPackage[]): void {
  const specs = Object.fromEntries(packed.map(({ name, tarball }) => [name, `file:${tarball}`]))
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, dependencies: specs, overrides: specs }),
  )
  execFileSync(
    'npm',
    [
      'install',
      '--offline',
      `--cache=${join(consumer, '.npm-cache')}`,
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
    ],
    { cwd: consumer, stdio: ['ignore', 'ignore', 'pipe'] },
  )
}
