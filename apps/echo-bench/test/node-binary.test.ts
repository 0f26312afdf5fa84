import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { nodeCacheRoot, resolveNode } from '../src/node-binary.ts'

const folders: string[] = []
afterEach(() => {
  for (const folder of folders.splice(0)) {
    rmSync(folder, { recursive: true, force: true })
  }
})

function scratch(): string {
  const folder = mkdtempSync(join(tmpdir(), 'node-binary-'))
  folders.push(folder)
  return folder
}

/** A stand-in for a Node binary: prints `version` for `--version`. */
function fakeNode(path: string, version: string): void {
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, `#!/bin/sh\necho ${version}\n`)
  chmodSync(path, 0o755)
}

describe('nodeCacheRoot', () => {
  it('is $WIREKIT_NODE_CACHE, else $XDG_CACHE_HOME/wirekit/node, else ~/.cache/wirekit/node', () => {
    expect(nodeCacheRoot({ WIREKIT_NODE_CACHE: '/c', XDG_CACHE_HOME: '/x' })).toBe('/c')
    expect(nodeCacheRoot({ XDG_CACHE_HOME: '/x' })).toBe('/x/wirekit/node')
    expect(nodeCacheRoot({ XDG_CACHE_HOME: '' })).toBe(join(homedir(), '.cache/wirekit/node'))
  })
})

describe('resolveNode', () => {
  it('takes the newest cached release of a line, comparing numbers, not text', () => {
    const root = scratch()
    fakeNode(join(root, '24.9.0/bin/node'), 'v24.9.0')
    fakeNode(join(root, '24.10.0/bin/node'), 'v24.10.0')
    fakeNode(join(root, '2.0.0/bin/node'), 'v2.0.0')
    fakeNode(join(root, '26.1.0/package/bin/node'), 'v26.1.0') // unpacked with the tarball's folder
    mkdirSync(join(root, '24.99.0')) // half there: no binary, never taken
    expect(resolveNode('24', root)).toEqual({
      path: join(root, '24.10.0/bin/node'),
      version: 'v24.10.0',
    })
    expect(resolveNode('v24.9', root).version).toBe('v24.9.0')
    expect(resolveNode('2', root).version).toBe('v2.0.0')
    expect(resolveNode('26', root).path).toBe(join(root, '26.1.0/package/bin/node'))
  })

  it('installs a release missing from the cache with npm pack, into a folder of its own', () => {
    // A stand-in for npm: packs a fake node-<os>-<cpu> package, as the registry's tarball has it.
    const root = join(scratch(), 'cache')
    const bin = scratch()
    const source = scratch()
    fakeNode(join(source, 'package/bin/node'), 'v24.21.0')
    const log: string[] = []
    writeFileSync(
      join(bin, 'npm'),
      `#!/bin/sh
[ "$1" = pack ] && [ "$2" = "node-${process.platform}-${process.arch}@24" ] || exit 9
tar -czf "$5/node-24.21.0.tgz" -C "${source}" package
echo '[{"version": "24.21.0", "filename": "node-24.21.0.tgz"}]'
`,
    )
    chmodSync(join(bin, 'npm'), 0o755)
    const path = process.env.PATH
    process.env.PATH = `${bin}:${path ?? ''}`
    try {
      expect(resolveNode('24', root, (line) => log.push(line))).toEqual({
        path: join(root, '24.21.0/bin/node'),
        version: 'v24.21.0',
      })
    } finally {
      process.env.PATH = path
    }
    expect(readdirSync(root)).toEqual(['24.21.0'])
    expect(log).toEqual([
      `installing Node 24 from the npm registry (node-${process.platform}-${process.arch}@24) into ${root}`,
    ])
  })

  it('takes a path to a binary as it is, and refuses what does not run or is no version', () => {
    expect(resolveNode(process.execPath)).toEqual({
      path: process.execPath,
      version: process.version,
    })
    expect(() => resolveNode('/nonexistent/node')).toThrow(
      '/nonexistent/node is not a Node.js binary that runs here',
    )
    expect(() => resolveNode('lts', scratch())).toThrow(
      '--node takes a path to a binary or a version such as 24, got "lts"',
    )
  })
})
