import { fileURLToPath } from 'node:url'
import { runNode } from '@wirekit/app-support/testing'
import { describe, expect, it } from 'vitest'

const demo = fileURLToPath(new URL('../dist/main.js', import.meta.url))

describe('echo-demo (built, as pnpm demo runs it)', () => {
  it("shows three client runs and the server's log, as the seed's Output section, and exits 0", async () => {
    const finished = await runNode([demo])
    const { code, stderr } = finished
    const stdout = finished.stdout.toString()
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
