import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { DatagramProtocol, type TransportAddress } from '@wirekit/protocol-core'
import { DatagramRecordingProtocol } from '@wirekit/transport-compliance'
import { closeAll, open } from './helpers.ts'

/** asyncio's datagram echo, answering each datagram with its length, a colon, and the datagram. */
const PYTHON_SERVER = `
import asyncio, sys

class Echo(asyncio.DatagramProtocol):
    def connection_made(self, transport):
        self.transport = transport
    def datagram_received(self, data, addr):
        print('received', len(data), 'from', addr[0], flush=True)
        self.transport.sendto(str(len(data)).encode() + b':' + data, addr)

async def main(host):
    transport, _ = await asyncio.get_running_loop().create_datagram_endpoint(Echo, local_addr=(host, 0))
    print('listening on port', transport.get_extra_info('sockname')[1], flush=True)
    await asyncio.Event().wait()

asyncio.run(main(sys.argv[1]))
`

/** An asyncio client connected to our endpoint: sends each message, expects each echoed back. */
const PYTHON_CLIENT = `
import asyncio, sys
MESSAGES = [b'one', b'x' * 1200, bytes(range(256)), b'last']

class Client(asyncio.DatagramProtocol):
    def __init__(self, done):
        self.done, self.received = done, []
    def connection_made(self, transport):
        for message in MESSAGES:
            transport.sendto(message)
    def datagram_received(self, data, addr):
        self.received.append(data)
        if len(self.received) == len(MESSAGES):
            self.done.set_result(self.received)
    def error_received(self, exc):
        print('error', exc, flush=True)

async def main(host, port):
    done = asyncio.get_running_loop().create_future()
    transport, _ = await asyncio.get_running_loop().create_datagram_endpoint(
        lambda: Client(done), remote_addr=(host, port))
    received = await asyncio.wait_for(done, 10)
    transport.close()
    print('echoed', len(received), flush=True)
    sys.exit(0 if received == MESSAGES else 1)

asyncio.run(main(sys.argv[1], int(sys.argv[2])))
`

const folder = mkdtempSync(join(tmpdir(), 'wirekit-udp-interop-'))
writeFileSync(join(folder, 'echo_server.py'), PYTHON_SERVER)
writeFileSync(join(folder, 'client.py'), PYTHON_CLIENT)
afterAll(() => {
  rmSync(folder, { recursive: true, force: true })
})

/** A child process whose standard output the test can wait on. */
interface Peer {
  readonly child: ChildProcessWithoutNullStreams
  output(): string
  /** Resolves with the first capture group once standard output matches; rejects if it exits first. */
  waitFor(pattern: RegExp): Promise<string>
  readonly exited: Promise<number | null>
}

const running: Peer[] = []

function start(command: string, args: readonly string[]): Peer {
  const child = spawn(command, args, { stdio: 'pipe' })
  let output = ''
  let errors = ''
  const waiters: (() => void)[] = []
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk
    waiters.forEach((wake) => {
      wake()
    })
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk))
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve))
  const peer: Peer = {
    child,
    output: () => output,
    exited,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const match = pattern.exec(output)
          if (match != null) {
            resolve(match[1] ?? match[0])
          }
        }
        waiters.push(check)
        check()
        void exited.then(() => {
          check()
          reject(
            new Error(`${command} ended before printing ${String(pattern)}:\n${output}${errors}`),
          )
        })
      }),
  }
  running.push(peer)
  return peer
}

afterEach(async () => {
  for (const peer of running.splice(0)) {
    peer.child.kill('SIGKILL')
    await peer.exited
  }
  await closeAll()
})

class Echo extends DatagramProtocol {
  override datagramReceived(data: Uint8Array, address: TransportAddress): void {
    this.transport?.sendto(data, address)
  }
}

describe('interop with Python asyncio create_datagram_endpoint, both ways', () => {
  for (const host of ['127.0.0.1', '::1']) {
    it(`our connected client against an asyncio echo endpoint, empty datagram included (${host})`, async () => {
      const python = start('python3', [join(folder, 'echo_server.py'), host])
      const port = Number(await python.waitFor(/^listening on port (\d+)$/m))
      const client = await open(() => new DatagramRecordingProtocol(), {
        remoteAddress: { address: host, port },
      })
      const messages = [new Uint8Array(0), Uint8Array.of(1, 2, 3), new Uint8Array(1200).fill(9)]
      for (const message of messages) {
        client.protocol.send(message)
      }
      await client.protocol.waitFor('datagramReceived', messages.length)
      const expected = messages.map((message) =>
        Buffer.concat([Buffer.from(`${message.byteLength}:`), message]),
      )
      expect(client.protocol.datagrams().map((data) => Buffer.from(data))).toEqual(expected)
      expect(python.output()).toMatch(/^received 0 from /m)
    })
  }

  it('an asyncio client connected to our echo endpoint gets every datagram back, exactly', async () => {
    const server = await open(() => new Echo(), { localAddress: { address: '127.0.0.1' } })
    const port = server.transport.getExtraInfo('sockname')?.port ?? 0
    const python = start('python3', [join(folder, 'client.py'), '127.0.0.1', String(port)])
    expect(await python.exited).toBe(0)
    expect(python.output()).toBe('echoed 4\n')
  })
})

/** socat comes from the distribution (apt-get install socat), not from npm. */
const hasSocat = spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0

describe('interop with socat as a UDP client', () => {
  // Skipped, with this reason, on machines without socat; CI images for this repository have it.
  it.runIf(hasSocat)(
    'socat - UDP:127.0.0.1:PORT gets each line back from our echo endpoint',
    async () => {
      const server = await open(() => new Echo(), { localAddress: { address: '127.0.0.1' } })
      const port = server.transport.getExtraInfo('sockname')?.port ?? 0
      const socat = start('socat', ['-', `UDP:127.0.0.1:${port}`])
      socat.child.stdin.write('hello\n')
      await socat.waitFor(/^(hello)\n/)
      socat.child.stdin.write('world, in a second datagram\n')
      await socat.waitFor(/^hello\n(world, in a second datagram)\n$/)
      expect(socat.output()).toBe('hello\nworld, in a second datagram\n')
    },
  )
})
