import { createHash, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  clientBin,
  runNode,
  serverBin,
  startProcess,
  type Finished,
  type StartedProcess,
} from './apps.ts'

const running: StartedProcess[] = []
const closers: (() => void)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) {
    close()
  }
  for (const process of running.splice(0)) {
    process.kill()
    await process.finished
  }
})

async function echoServer(): Promise<number> {
  const server = startProcess(process.execPath, [serverBin, '--host', '127.0.0.1', '--port', '0'])
  running.push(server)
  return Number(await server.waitForStderr(/^main: starting up on \S+ port (\d+)$/m))
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex')

/** Starts a plain node:net server on 127.0.0.1, port 0, closed after the test; gives its port. */
async function listenLocal(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  closers.push(() => server.close())
  const address = server.address()
  return typeof address === 'object' && address != null ? address.port : 0
}

describe('echo-client (built, against the built echo-server)', () => {
  it("runs the seed's exchange and logs the seed's lines; exit 0", async () => {
    const port = await echoServer()
    const { code, stderr } = await runNode([
      clientBin,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
    ])
    expect(code).toBe(0)
    const lines = stderr.trimEnd().split('\n')
    expect(lines.slice(0, 5)).toEqual([
      'main: waiting for client to complete',
      `EchoClient: connecting to 127.0.0.1 port ${port}`,
      "EchoClient: sending b'This is the message. '",
      "EchoClient: sending b'It will be sent '",
      "EchoClient: sending b'in parts.'",
    ])
    const received = lines
      .filter((l) => l.startsWith('EchoClient: received b'))
      .map((l) => l.slice("EchoClient: received b'".length, -1))
      .join('')
    expect(received).toBe('This is the message. It will be sent in parts.')
    expect(lines.slice(-2)).toEqual(['EchoClient: received EOF', 'main: closing event loop'])
  })

  it('streams standard input through the server and the echo to standard output (--stdin)', async () => {
    const port = await echoServer()
    const input = randomBytes(8 * 1024 * 1024)
    const { code, stdout, stderr } = await runNode(
      [clientBin, '--host', '127.0.0.1', '--port', String(port), '--stdin', '--log-level', 'info'],
      input,
    )
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(stdout.length).toBe(input.length)
    expect(sha256(stdout)).toBe(sha256(input))
  })

  it('stops quietly with the status cat gets from SIGPIPE when its output is piped to head', async () => {
    const port = await echoServer()
    const folder = mkdtempSync(join(tmpdir(), 'echo-client-epipe-'))
    closers.push(() => rmSync(folder, { recursive: true, force: true }))
    const big = join(folder, 'big')
    writeFileSync(big, randomBytes(8 * 1024 * 1024))
    // The pipeline, run by bash: with pipefail its status is the writer's, here the
    // client's, and it is compared with what bash reports for cat in the same place.
    const pipeline = (writer: string): Promise<Finished> =>
      startProcess('bash', ['-c', `set -o pipefail; ${writer} < "$1" | head -c 10`, 'bash', big])
        .finished
    const client = `"${process.execPath}" "${clientBin}" --host 127.0.0.1 --port ${port} --log-level info --stdin`
    const [viaClient, viaCat] = [await pipeline(client), await pipeline('cat')]
    expect(viaCat.code).toBe(141)
    expect(viaClient.stdout.length).toBe(10)
    expect(viaClient.stderr).toBe('')
    expect(viaClient.code).toBe(viaCat.code)
  })

  it('prints its name and package.json version with --version and exits 0', async () => {
    const manifest = JSON.parse(
      readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
    ) as { version: string }
    const { code, stdout } = await runNode([clientBin, '--version'])
    expect(code).toBe(0)
    expect(stdout.toString()).toBe(`echo-client ${manifest.version}\n`)
  })

  it('exits 1 with one line when the connection is refused', async () => {
    const probe = createServer().listen(0, '127.0.0.1')
    await once(probe, 'listening')
    const address = probe.address()
    const port = typeof address === 'object' && address != null ? address.port : 0
    probe.close()
    await once(probe, 'close')
    const { code, stderr } = await runNode([
      clientBin,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
    ])
    expect(code).toBe(1)
    expect(stderr).toBe(
      `main: waiting for client to complete\nerror: cannot connect to 127.0.0.1 port ${port}: connection refused (ECONNREFUSED)\n`,
    )
  })

  it('exits 1 when the echo does not match (a server that changes a byte)', async () => {
    const liar = createServer({ allowHalfOpen: true }, (socket) => {
      socket.on('data', (chunk: Buffer) =>
        socket.write(Buffer.from(chunk.toString().toUpperCase())),
      )
      socket.on('end', () => socket.end())
    })
    const port = await listenLocal(liar)
    const { code, stderr } = await runNode([
      clientBin,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      'abc',
    ])
    expect(code).toBe(1)
    expect(stderr.trimEnd().split('\n').at(-1)).toBe(
      'error: echo mismatch: the 3 bytes received differ from those sent',
    )
  })

  it('exits 1 after --timeout when the server never answers', async () => {
    const mute = createServer({ allowHalfOpen: true }, (socket) => socket.pause())
    const port = await listenLocal(mute)
    const { code, stderr } = await runNode([
      clientBin,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--timeout',
      '0.5',
    ])
    expect(code).toBe(1)
    expect(stderr.trimEnd().split('\n').at(-1)).toBe('error: timed out after 0.5 seconds')
  })

  it.each([
    [['--port', '0'], 'error: --port must be a port number from 1 to 65535, got "0"'],
    [['--port', 'Infinity'], 'error: --port must be a port number from 1 to 65535, got "Infinity"'],
    [['--stdin', 'hello'], 'error: --stdin cannot be mixed with messages'],
    [['--wat'], 'error: unknown option --wat'],
    [
      ['--port', '-1'],
      'error: --port needs a value; "-1" looks like an option (write --port=-1 if it is the value)',
    ],
  ])('refuses %j: exit 2, one line and the usage, no connection attempt', async (args, line) => {
    const { code, stderr } = await runNode([clientBin, ...args])
    expect(code).toBe(2)
    expect(stderr.split('\n').slice(0, 2)).toEqual([
      line,
      'usage: echo-client [options] [MESSAGE ...]',
    ])
    expect(stderr).not.toContain('waiting for client')
  })
})
