import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { publishedPackages } from './published-packages.ts'
import { cleanEnv, root, runChecked, throwawayCopy, type ThrowawayCopy } from './throwaway-copy.ts'
import { startRegistry, type Registry } from './verdaccio.ts'

interface Manifest {
  name: string
  version: string
  dependencies?: Record<string, string>
  publishConfig?: Record<string, unknown>
  homepage?: string
  bugs?: { url: string }
  files?: string[]
}

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'))
const readManifest = (file: string): Manifest => readJson(file) as Manifest

/** The first ```ts block under a README's "## Example" heading, exactly as written there. */
function readmeExample(readme: string): string {
  const section = readme.slice(readme.indexOf('## Example'))
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1]
  if (block === undefined) {
    throw new Error('the README has no ts block under "## Example"')
  }
  return block
}

let copy: ThrowawayCopy
let registry: Registry
let env: NodeJS.ProcessEnv
/** Where npm installs from the registry: outside the workspace, with its own empty config. */
let consumer: string

beforeAll(async () => {
  const published = publishedPackages()
  // The release command publishes what turbo built (this package depends on every published one,
  // so their dist/ folders are built before this test runs); they are ignored by git, so copied
  // on purpose.
  copy = await throwawayCopy(published.map((p) => `${p.relativeDir}/dist`))
  registry = await startRegistry(join(copy.dir, '..', 'registry'))
  const host = new URL(registry.url).host
  // pnpm publish reads the workspace's .npmrc; changesets and npm read npm_config_registry.
  writeFileSync(
    join(copy.dir, '.npmrc'),
    `registry=${registry.url}\n//${host}/:_authToken=${registry.token}\n`,
  )
  const outside = join(copy.dir, '..', 'outside')
  consumer = join(outside, 'consumer')
  mkdirSync(consumer, { recursive: true })
  writeFileSync(join(outside, 'npmrc'), '')
  env = cleanEnv({
    npm_config_registry: registry.url,
    npm_config_userconfig: join(outside, 'npmrc'),
    npm_config_cache: join(outside, 'npm-cache'),
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  })
  // A pending change, as a release always has one.
  writeFileSync(
    join(copy.dir, '.changeset', 'repo-checks-release.md'),
    "---\n'@wirekit/protocol-core': patch\n'@wirekit/transport-tcp': patch\n---\n\nA release made by the repo-checks test.\n",
  )
})

afterAll(async () => {
  await registry.stop()
  copy.remove()
})

describe('a release with the project’s own commands, to a throwaway Verdaccio registry', () => {
  it('manifests: no provenance (npm refuses it outside a CI provider), homepage, bugs, changelog', () => {
    for (const { dir, name, relativeDir } of publishedPackages()) {
      const manifest = readManifest(join(dir, 'package.json'))
      expect(manifest.publishConfig, name).toEqual({ access: 'public' })
      expect(manifest.homepage, name).toBe(
        `https://github.com/wirekit/wirekit/tree/main/${relativeDir}#readme`,
      )
      expect(manifest.bugs, name).toEqual({ url: 'https://github.com/wirekit/wirekit/issues' })
      expect(manifest.files, name).toContain('CHANGELOG.md')
    }
  })

  it('pnpm run version-packages (changeset version) bumps the versions and writes the changelogs', async () => {
    const before = readManifest(join(copy.dir, 'packages/transport-tcp/package.json'))
    await copy.run('pnpm', ['run', 'version-packages'], env)
    const after = readManifest(join(copy.dir, 'packages/transport-tcp/package.json'))
    expect(after.version).not.toBe(before.version)
    const changelog = readFileSync(join(copy.dir, 'packages/transport-tcp/CHANGELOG.md'), 'utf8')
    expect(changelog).toContain(`## ${after.version}`)
    expect(changelog).toContain('A release made by the repo-checks test.')
  })

  it('changeset publish puts every published package on the registry, and nothing else', async () => {
    const { stdout, stderr } = await copy.run('pnpm', ['exec', 'changeset', 'publish'], env)
    const output = stdout.toString() + stderr
    expect(output).toContain('packages published successfully')
    expect(output).not.toContain('registry.npmjs.org')
    for (const { name, relativeDir } of publishedPackages()) {
      const local = readManifest(join(copy.dir, relativeDir, 'package.json'))
      const response = await fetch(new URL(name.replace('/', '%2f'), registry.url))
      expect(response.status, name).toBe(200)
      const packument = (await response.json()) as { 'dist-tags': { latest: string } }
      expect(packument['dist-tags'].latest, name).toBe(local.version)
    }
    const privateOne = await fetch(new URL('@wirekit%2fapp-support', registry.url))
    expect(privateOne.status).toBe(404)
  })

  it('npm installs @wirekit/transport-tcp alone in a new folder; its @wirekit dependencies come from the registry', async () => {
    writeFileSync(
      join(consumer, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
    )
    await runChecked('npm', ['install', '@wirekit/transport-tcp'], consumer, env)
    const tcp = readManifest(join(consumer, 'node_modules/@wirekit/transport-tcp/package.json'))
    const tcpInCopy = readManifest(join(copy.dir, 'packages/transport-tcp/package.json'))
    // Its dependencies are the workspace's own packages, at the versions just published.
    const dependencies = Object.keys(tcp.dependencies ?? {})
    expect(dependencies).toContain('@wirekit/protocol-core')
    expect(dependencies).toEqual(Object.keys(tcpInCopy.dependencies ?? {}))
    for (const name of dependencies) {
      const inCopy = readManifest(
        join(copy.dir, 'packages', name.slice('@wirekit/'.length), 'package.json'),
      )
      const installed = readManifest(join(consumer, 'node_modules', name, 'package.json'))
      expect(tcp.dependencies?.[name], name).toBe(`^${inCopy.version}`)
      expect(installed.version, name).toBe(inCopy.version)
    }
    const lock = readJson(join(consumer, 'package-lock.json')) as {
      packages: Record<string, { resolved?: string }>
    }
    for (const name of ['@wirekit/transport-tcp', ...dependencies]) {
      expect(lock.packages[`node_modules/${name}`]?.resolved, name).toMatch(
        new RegExp(`^${registry.url.replace(/[.]/g, '\\.')}`),
      )
    }
    expect(existsSync(join(consumer, 'node_modules/@wirekit/transport-tcp/CHANGELOG.md'))).toBe(
      true,
    )
  })

  it('runs the example of the installed README, as written there', async () => {
    const readme = readFileSync(join(consumer, 'node_modules/@wirekit/transport-tcp/README.md'))
    writeFileSync(join(consumer, 'example.mts'), readmeExample(readme.toString()))
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          target: 'es2023',
          strict: true,
          noImplicitOverride: true,
          outDir: 'out',
          types: ['node'],
          typeRoots: [join(root, 'node_modules/@types')],
        },
        files: ['example.mts'],
      }),
    )
    await runChecked(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
      consumer,
      env,
    )
    const { stdout } = await runChecked(process.execPath, ['out/example.mjs'], consumer, env)
    expect(stdout.toString()).toBe('hello\n')
  })
})
