import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const demo = fileURLToPath(new URL('../dist/main.js', import.meta.url))

describe('echo-demo (built, as pnpm demo runs it)', () => {
  it("shows three client runs and the server's log, as the seed's Output section, and exits 0", async () => {
    const child = spawn(process.execPath, [demo], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const [code] = (await once(child, 'exit')) as [number | null]
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const runs = stdout.match(/^\$ echo-client --port \d+ {4}# run \d, exit status 0$/gm) ?? []
    expect(runs).toHaveLength(3)
    expect(stdout.match(/^EchoClient: received EOF$/gm)).toHaveLength(3)
    expect(stdout).toMatch(/^\$ echo-server --port 0 {4}# stopped with SIGINT, exit status 0$/m)
    expect(stdout.match(/^EchoServer_\S+: connection accepted$/gm)).toHaveLength(3)
    expect(stdout.match(/^EchoServer_\S+: closing$/gm)).toHaveLength(3)
    expect(stdout).toMatch(/^main: closing server\nmain: closing event loop$/m)
  })
})
