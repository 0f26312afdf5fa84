import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { runNode } from '@wirekit/app-support/testing'
import { describe, expect, it } from 'vitest'

const demo = fileURLToPath(new URL('../dist/main.js', import.meta.url))

/** Runs the built demo; checks it ran cleanly and gives what it printed. */
async function runDemo(args: readonly string[] = []): Promise<string> {
  const finished = await runNode([demo, ...args])
  expect(finished.stderr).toBe('')
  expect(finished.code).toBe(0)
  return finished.stdout.toString()
}

/** The three client runs' titles, and the server's, as the demo prints them. */
function titles(stdout: string): { clients: string[]; server: string | undefined } {
  return {
    clients: stdout.match(/^\$ echo-client .* {4}# run \d, exit status 0$/gm) ?? [],
    server: /^\$ echo-server .* {4}# stopped with SIGINT, exit status 0$/m.exec(stdout)?.[0],
  }
}

describe('echo-demo (built, as pnpm demo runs it)', () => {
  it("shows three client runs and the server's log, as the seed's Output section, and exits 0", async () => {
    const stdout = await runDemo()
    const runs = stdout.match(/^\$ echo-client --port \d+ {4}# run \d, exit status 0$/gm) ?? []
    expect(runs).toHaveLength(3)
    expect(stdout.match(/^EchoClient: received EOF$/gm)).toHaveLength(3)
    expect(stdout).toMatch(/^\$ echo-server --port 0 {4}# stopped with SIGINT, exit status 0$/m)
    expect(stdout.match(/^EchoServer_\S+: connection accepted$/gm)).toHaveLength(3)
    expect(stdout.match(/^EchoServer_\S+: closing$/gm)).toHaveLength(3)
    expect(stdout).toMatch(/^main: closing server\nmain: closing event loop$/m)
  })

  it('--tls: the same over TLS with the test certificates, the client verifying the server', async () => {
    const stdout = await runDemo(['--tls'])
    expect(stdout).toMatch(/^The echo server listens on localhost port \d+ \(TLS\);/)
    const { clients, server } = titles(stdout)
    expect(clients).toHaveLength(3)
    expect(clients[0]).toMatch(
      / --tls --tls-ca \S*packages\/test-certificates\/certs\/ca-cert\.pem /,
    )
    expect(server).toMatch(/ --tls-cert \S*server-cert\.pem --tls-key \S*server-key\.pem /)
    expect(
      stdout.match(/^EchoClient: TLS on: .* server certificate CN=localhost verified$/gm),
    ).toHaveLength(3)
    expect(stdout.match(/^EchoClient: received EOF$/gm)).toHaveLength(3)
    expect(stdout).toMatch(/^main: TLS on: certificate CN=localhost /m)
    expect(stdout.match(/^EchoServer_\S+: closing$/gm)).toHaveLength(3)
  })

  it('--udp: the same with each message one datagram', async () => {
    const stdout = await runDemo(['--udp'])
    const { clients, server } = titles(stdout)
    expect(clients).toHaveLength(3)
    expect(clients[0]).toMatch(/^\$ echo-client --port \d+ --udp /)
    expect(server).toMatch(/^\$ echo-server --port 0 --udp /)
    expect(stdout.match(/^EchoClient: received b'in parts\.'$/gm)).toHaveLength(3)
    expect(stdout.match(/^EchoServer_\S+: sent b'in parts\.'$/gm)).toHaveLength(3)
    expect(stdout).toMatch(/^main: UDP: each datagram is echoed to its sender$/m)
  })

  it('--unix: the same over a Unix socket in a temporary folder, removed afterwards', async () => {
    const stdout = await runDemo(['--unix'])
    const path = /^The echo server listens on (\S+) \(a Unix socket\);/.exec(stdout)?.[1] ?? ''
    expect(path).toMatch(/wirekit-demo-\w+\/echo\.sock$/)
    expect(titles(stdout).clients).toEqual(
      [1, 2, 3].map((run) => `$ echo-client --unix ${path}    # run ${run}, exit status 0`),
    )
    expect(stdout.match(/^EchoServer_\S+echo\.sock_\d: closing$/gm)).toHaveLength(3)
    expect(existsSync(path.replace(/\/echo\.sock$/, ''))).toBe(false)
  })

  it('refuses two modes at once, and unknown options: exit 2, one line and the usage', async () => {
    for (const [args, line] of [
      [['--tls', '--udp'], 'error: one mode at a time: --tls and --udp were given'],
      [['--dtls'], 'error: unknown option --dtls'],
    ] as const) {
      const { code, stderr, stdout } = await runNode([demo, ...args])
      expect(code).toBe(2)
      expect(stderr.split('\n').slice(0, 2)).toEqual([
        line,
        'usage: echo-demo [--tls | --udp | --unix]',
      ])
      expect(stdout.toString()).toBe('')
    }
  })
})
