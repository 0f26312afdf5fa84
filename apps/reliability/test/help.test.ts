import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { scenarios } from '../src/registry.ts'

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url))

describe('wirekit-reliability --help', () => {
  it('names the scenarios the registry has, from the first number to the last', () => {
    const help = execFileSync(process.execPath, [main, '--help'], { encoding: 'utf8' })
    const last = scenarios.at(-1)?.id.replace(/[a-z]$/, '')
    expect(help).toMatch(
      new RegExp(`^ {17}1\\.\\.${last ?? ''}; 9 runs 9a, 9b; .*14 runs 14a-14e;`, 'm'),
    )
  })
})
