import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { versionLine } from '../src/index.ts'

const folders: string[] = []
afterEach(() => {
  for (const folder of folders.splice(0)) {
    rmSync(folder, { recursive: true, force: true })
  }
})

function manifest(content: object): URL {
  const folder = mkdtempSync(join(tmpdir(), 'app-support-version-'))
  folders.push(folder)
  const file = join(folder, 'package.json')
  writeFileSync(file, JSON.stringify(content))
  return pathToFileURL(file)
}

describe('versionLine', () => {
  it('gives the name without its scope, then the version', () => {
    expect(versionLine(manifest({ name: '@wirekit/echo-server', version: '1.2.3' }))).toBe(
      'echo-server 1.2.3',
    )
    expect(versionLine(manifest({ name: 'plain', version: '0.0.1' }))).toBe('plain 0.0.1')
  })

  it('reads this package’s own manifest', () => {
    expect(versionLine(new URL('../package.json', import.meta.url))).toBe('app-support 0.0.0')
  })
})
