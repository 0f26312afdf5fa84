import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { clientBin, runNode, serverBin, startProcess, type StartedProcess } from './apps.ts'

const folder = mkdtempSync(join(tmpdir(), 'wirekit-client-unix-'))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

const running: StartedProcess[] = []
afterEach(async () => {
  for (const process of running.splice(0)) {
    process.kill()
    await process.finished
  }
})

describe('echo-client --unix (built, against the built echo-server --unix)', () => {
  it("runs the seed's exchange over a Unix socket, logging the path as the address; exit 0", async () => {
    const path = join(folder, 'echo.sock')
    const server = startProcess(process.execPath, [serverBin, '--unix', path])
    running.push(server)
    await server.waitForStderr(/^main: (starting up on .*)$/m)
    const { code, stderr } = await runNode([clientBin, '--unix', path, 'over ', 'a path'])
    expect(code).toBe(0)
    const lines = stderr.trimEnd().split('\n')
    expect(lines.slice(0, 4)).toEqual([
      'main: waiting for client to complete',
      `EchoClient: connecting to ${path}`,
      "EchoClient: sending b'over '",
      "EchoClient: sending b'a path'",
    ])
    const received = lines
      .filter((line) => line.startsWith("EchoClient: received b'"))
      .map((line) => line.slice("EchoClient: received b'".length, -1))
      .join('')
    expect(received).toBe('over a path')
    expect(lines.slice(-2)).toEqual(['EchoClient: received EOF', 'main: closing event loop'])
  })

  it('fails with one line and exit 1 when nothing listens on the path', async () => {
    const path = join(folder, 'nothing.sock')
    const { code, stderr } = await runNode([clientBin, '--unix', path])
    expect(code).toBe(1)
    expect(stderr.trimEnd().split('\n').at(-1)).toBe(
      `error: cannot connect to ${path}: no such file or directory (ENOENT)`,
    )
  })

  it('refuses --unix with --host: exit 2', async () => {
    const { code, stderr } = await runNode([clientBin, '--unix', '/tmp/x.sock', '--host', 'a'])
    expect(code).toBe(2)
    expect(stderr.split('\n')[0]).toBe('error: --unix cannot be combined with --host')
  })
})
