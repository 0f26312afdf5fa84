import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { afterEach, describe, expect, it } from 'vitest'
import { createUnixConnection, createUnixServer, UnixSocketError } from '../src/index.ts'
import { ABSTRACT_NAMES_PADDED } from '../src/unix-path.ts'
import { Cleanup, Recorder } from './helpers.ts'
import { Echo, randomAbstractName, socketDirectory } from './unix-helpers.ts'

const cleanup = new Cleanup()
afterEach(() => cleanup.run())
const sockets = socketDirectory()

/** asyncio's Unix client: sends its argument, half-closes, prints what it saw as JSON. */
const PYTHON_CLIENT = `
import asyncio, json, sys

class Client(asyncio.Protocol):
    def __init__(self, done):
        self.done, self.received = done, b''
    def connection_made(self, transport):
        self.info = {k: transport.get_extra_info(k) for k in ('peername', 'sockname')}
        transport.write(sys.argv[2].encode())
        transport.write_eof()
    def data_received(self, data):
        self.received += data
    def eof_received(self):
        self.info['eof'] = True
    def connection_lost(self, exc):
        self.info['error'] = None if exc is None else repr(exc)
        self.done.set_result(None)

async def main():
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    _, client = await loop.create_unix_connection(lambda: Client(done), sys.argv[1])
    await done
    print(json.dumps({**client.info, 'echo': client.received.decode()}))

asyncio.run(main())
`

/**
 * asyncio's Unix echo server: prints "listening", then one JSON line per connection. A path given
 * as `@name` stands for the abstract name `\0name` (arguments cannot hold NULs).
 */
const PYTHON_SERVER = `
import asyncio, json, sys

class Echo(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        print(json.dumps({k: transport.get_extra_info(k) for k in ('peername', 'sockname')}), flush=True)
    def data_received(self, data):
        self.transport.write(data)
    def eof_received(self):
        self.transport.write_eof()
        return True

async def main():
    path = sys.argv[1]
    if path.startswith('@'):
        path = '\\0' + path[1:]
    server = await asyncio.get_running_loop().create_unix_server(Echo, path)
    print('listening', flush=True)
    await server.serve_forever()

asyncio.run(main())
`

/**
 * Connects to the abstract name given, exactly and then padded with NULs to 108 bytes, and says
 * for each whether it echoed or was refused.
 */
const PYTHON_ABSTRACT_PROBE = `
import json, socket, sys
result = {}
name = b'\\0' + sys.argv[1].encode()
for form, address in (('exact', name), ('padded', name.ljust(108, b'\\0'))):
    s = socket.socket(socket.AF_UNIX)
    try:
        s.connect(address)
        s.sendall(b'ping')
        s.shutdown(socket.SHUT_WR)
        echoed = b''
        while chunk := s.recv(16):
            echoed += chunk
        result[form] = 'echoed' if echoed == b'ping' else 'wrong'
    except ConnectionRefusedError:
        result[form] = 'refused'
    s.close()
print(json.dumps(result))
`

function run(command: string, args: readonly string[], input?: string): Promise<string> {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] })
  const chunks: Buffer[] = []
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk))
  child.stdin.end(input)
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code) => {
      if (code === 0) {
        resolve(Buffer.concat(chunks).toString())
      } else {
        reject(new Error(`${command} exited with ${String(code)}`))
      }
    })
  })
}

function socatPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v socat'], { encoding: 'utf8' }).trim()
  } catch {
    throw new Error('socat is not installed: apt-get update && apt-get install -y socat')
  }
}

describe('Unix sockets: interop with peers wirekit did not write', () => {
  it('Python asyncio’s create_unix_connection gets its echo from our server', async () => {
    const path = sockets.path()
    const server = await createUnixServer(() => new Echo(), { path })
    cleanup.add(server, async (s) => {
      s.close()
      await s.waitClosed()
    })
    const output = await run('python3', ['-c', PYTHON_CLIENT, path, 'from asyncio, over a path'])
    const seen = JSON.parse(output) as Record<string, unknown>
    expect(seen.echo).toBe('from asyncio, over a path')
    expect(seen.eof).toBe(true)
    expect(seen.error).toBeNull()
    expect(seen.sockname).toBe('')
    // The kernel gives the name the socket was bound to, in its private directory (README).
    expect(seen.peername).toMatch(/\/\.wirekit-[A-Za-z0-9]{6}\/s\d+\.sock$/)
  })

  it('our createUnixConnection gets its echo from Python asyncio’s create_unix_server', async () => {
    const path = sockets.path()
    const python: ChildProcess = spawn('python3', ['-c', PYTHON_SERVER, path], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    cleanup.add(python, async (child) => {
      child.kill('SIGKILL')
      if (child.exitCode == null && child.signalCode == null) {
        await once(child, 'exit')
      }
    })
    if (python.stdout == null) {
      throw new Error('no stdout')
    }
    const lines = createInterface({ input: python.stdout })[Symbol.asyncIterator]()
    expect((await lines.next()).value).toBe('listening')
    const recorder = new Recorder()
    const { transport } = await createUnixConnection(() => recorder, { path })
    expect(transport.getExtraInfo('peername')).toBe(path)
    transport.write(new TextEncoder().encode('from wirekit, over a path'))
    transport.writeEof()
    await recorder.waitFor('connectionLost')
    expect(recorder.received.toString()).toBe('from wirekit, over a path')
    expect(recorder.names).toContain('eofReceived')
    expect(recorder.lostError).toBeUndefined()
    // asyncio on its side: the client is unnamed, its own end is the path.
    expect(JSON.parse(String((await lines.next()).value))).toEqual({ peername: '', sockname: path })
  })

  it('socat (UNIX-CONNECT) gets its echo from our server', async () => {
    const socat = socatPath()
    const path = sockets.path()
    const server = await createUnixServer(() => new Echo(), { path })
    cleanup.add(server, async (s) => {
      s.close()
      await s.waitClosed()
    })
    const text = 'from socat, line one\nand line two\n'
    expect(await run(socat, ['-', `UNIX-CONNECT:${path}`], text)).toBe(text)
  })

  it('socat gets its echo from our server on an abstract name filling sun_path (every Node line)', async () => {
    const socat = socatPath()
    // 107 bytes after the leading NUL: no room for padding, so the name is exact everywhere.
    const name = randomAbstractName(107)
    const server = await createUnixServer(() => new Echo(), { path: `\0${name}` })
    cleanup.add(server, async (s) => {
      s.close()
      await s.waitClosed()
    })
    expect(await run(socat, ['-', `ABSTRACT-CONNECT:${name}`], 'abstract\n')).toBe('abstract\n')
  })

  it('Python reaches a short abstract name as this Node binds it: exact, or NUL-padded on Node 20', async () => {
    const name = randomAbstractName()
    const warnings: string[] = []
    const server = await createUnixServer(() => new Echo(), {
      path: `\0${name}`,
      onWarning: (message) => warnings.push(message),
    })
    cleanup.add(server, async (s) => {
      s.close()
      await s.waitClosed()
    })
    const output = await run('python3', ['-c', PYTHON_ABSTRACT_PROBE, name])
    expect(JSON.parse(output)).toEqual(
      ABSTRACT_NAMES_PADDED
        ? { exact: 'refused', padded: 'echoed' }
        : { exact: 'echoed', padded: 'refused' },
    )
    expect(warnings).toEqual(
      ABSTRACT_NAMES_PADDED
        ? [
            expect.stringMatching(
              /^listening on an abstract name: Node v20\.\S+ \(libuv 1\.\d+\.\d+\) pads the abstract name @wirekit-test-[0-9a-f]+ with NULs to 108 bytes/,
            ),
          ]
        : [],
    )
  })

  it('our client reaches asyncio’s server on a short abstract name, or says why it cannot (Node 20)', async () => {
    const name = randomAbstractName()
    const python = spawn('python3', ['-c', PYTHON_SERVER, `@${name}`], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    cleanup.add(python, async (child) => {
      child.kill('SIGKILL')
      if (child.exitCode == null && child.signalCode == null) {
        await once(child, 'exit')
      }
    })
    const lines = createInterface({ input: python.stdout })[Symbol.asyncIterator]()
    expect((await lines.next()).value).toBe('listening')
    const attempt = createUnixConnection(() => new Recorder(), { path: `\0${name}` })
    if (ABSTRACT_NAMES_PADDED) {
      const error: unknown = await attempt.then(
        () => undefined,
        (caught: unknown) => caught,
      )
      expect(error).toBeInstanceOf(UnixSocketError)
      expect((error as UnixSocketError).code).toBe('ECONNREFUSED')
      expect((error as UnixSocketError).message).toMatch(
        /connection refused; Node v20\.\S+ \(libuv \S+\) pads the abstract name .* with NULs to 108 bytes/,
      )
    } else {
      const { transport } = await attempt
      transport.abort()
    }
  })
})
