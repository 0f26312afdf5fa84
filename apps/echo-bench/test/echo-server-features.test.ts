import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { probeEchoServer, WORKSPACE_ECHO_SERVER } from '../src/echo-server-features.ts'

const folder = mkdtempSync(join(tmpdir(), 'echo-server-features-'))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

function script(name: string, body: string): string {
  const path = join(folder, name)
  writeFileSync(path, body)
  chmodSync(path, 0o644)
  return path
}

describe('probeEchoServer', () => {
  it("reads the options of the workspace's echo-server from its --help", () => {
    const { path, flags } = probeEchoServer(WORKSPACE_ECHO_SERVER)
    expect(path).toBe(WORKSPACE_ECHO_SERVER)
    for (const flag of ['--host', '--port', '--unix', '--log-level']) {
      expect(flags.has(flag)).toBe(true)
    }
  })

  it('finds a flag only when the usage lists it', () => {
    const later = script(
      'later.mjs',
      "console.log('usage: echo-server [options]\\n  --port PORT\\n  --workers N   N processes')",
    )
    expect(probeEchoServer(later).flags).toEqual(new Set(['--port', '--workers']))
  })

  it('refuses what is not an echo-server, and what does not run', () => {
    const other = script('other.mjs', "console.log('usage: something --else')")
    expect(() => probeEchoServer(other)).toThrow(
      `${other} --help lists no --port: is it an echo-server?`,
    )
    const broken = script('broken.mjs', 'process.exit(3)')
    expect(() => probeEchoServer(broken)).toThrow(`${broken} --help did not run: `)
  })
})
