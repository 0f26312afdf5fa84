import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'

/** A Node.js binary other than the one running the bench, and its version (`v24.11.1`). */
export interface NodeBinary {
  readonly path: string
  readonly version: string
}

/**
 * Where Node binaries from the npm registry are kept, one folder per release
 * (`~/.cache/wirekit/node/24.21.0/bin/node`), shared with the scripts that run the test suite on
 * other Node lines: `$WIREKIT_NODE_CACHE`, else `${XDG_CACHE_HOME:-~/.cache}/wirekit/node`.
 */
export function nodeCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const { WIREKIT_NODE_CACHE: cache, XDG_CACHE_HOME: xdg } = env
  return cache != null && cache !== ''
    ? cache
    : join(xdg != null && xdg !== '' ? xdg : join(homedir(), '.cache'), 'wirekit', 'node')
}

function versionOf(path: string): string {
  try {
    return execFileSync(path, ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim()
  } catch {
    throw new Error(`${path} is not a Node.js binary that runs here`)
  }
}

function compareVersions(a: string, b: string): number {
  const [x, y] = [a.split('.').map(Number), b.split('.').map(Number)]
  for (let i = 0; i < 3; i++) {
    const difference = (x[i] ?? 0) - (y[i] ?? 0)
    if (difference !== 0) {
      return difference
    }
  }
  return 0
}

/** The binary inside one cached version's folder, unpacked with or without the tarball's `package/`. */
function binaryIn(folder: string): string | undefined {
  return [join(folder, 'bin', 'node'), join(folder, 'package', 'bin', 'node')].find((path) =>
    existsSync(path),
  )
}

/** The newest cached version that `wanted` (`24`, `24.11` or `24.11.1`) names, if any. */
function findCached(root: string, wanted: string): string | undefined {
  const versions = existsSync(root)
    ? readdirSync(root).filter(
        (name) =>
          /^\d+\.\d+\.\d+$/.test(name) &&
          (name === wanted || name.startsWith(`${wanted}.`)) &&
          binaryIn(join(root, name)) !== undefined,
      )
    : []
  const newest = versions.sort(compareVersions).at(-1)
  return newest === undefined ? undefined : binaryIn(join(root, newest))
}

/** Installs the newest version that `wanted` names from the npm registry's `node-<os>-<cpu>` package. */
function install(root: string, wanted: string, log: (line: string) => void): string {
  const spec = `node-${process.platform}-${process.arch}@${wanted}`
  log(`installing Node ${wanted} from the npm registry (${spec}) into ${root}`)
  const scratch = mkdtempSync(join(tmpdir(), 'wirekit-node-'))
  try {
    const packed = JSON.parse(
      execFileSync('npm', ['pack', spec, '--json', '--pack-destination', scratch], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    ) as [{ version: string; filename: string }]
    const { version, filename } = packed[0]
    const unpacked = join(scratch, 'unpacked')
    mkdirSync(unpacked)
    execFileSync('tar', ['-xzf', join(scratch, filename), '-C', unpacked, '--strip-components=1'])
    mkdirSync(root, { recursive: true })
    const folder = join(root, version)
    if (!existsSync(folder)) {
      renameSync(unpacked, folder) // whole or not at all: a half-unpacked folder is never found
    }
    const binary = binaryIn(folder)
    if (binary === undefined) {
      throw new Error(`${spec} has no bin/node`)
    }
    return binary
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

/**
 * Finds the Node binary that `wanted` names: a path to a binary (anything with a `/`), or a
 * version (`24`, `v24.11`, `24.11.1`) taken from the cache, newest first, or else installed there
 * from the npm registry.
 * @throws Error when the binary does not run or cannot be installed.
 */
export function resolveNode(
  wanted: string,
  root: string = nodeCacheRoot(),
  log: (line: string) => void = () => undefined,
): NodeBinary {
  if (wanted.includes('/')) {
    return { path: wanted, version: versionOf(wanted) }
  }
  const version = wanted.replace(/^v/, '')
  if (!/^\d+(\.\d+){0,2}$/.test(version)) {
    throw new Error(`--node takes a path to a binary or a version such as 24, got "${wanted}"`)
  }
  const path = findCached(root, version) ?? install(root, version, log)
  return { path, version: versionOf(path) }
}
