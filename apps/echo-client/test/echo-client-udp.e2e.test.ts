import { createSocket, type Socket } from 'node:dgram'
import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import { clientBin, runNode, serverBin, startProcess, type StartedProcess } from './apps.ts'

const running: StartedProcess[] = []
const sockets: Socket[] = []
afterEach(async () => {
  for (const socket of sockets.splice(0)) {
    socket.close()
  }
  for (const process of running.splice(0)) {
    process.kill()
    await process.finished
  }
})

/**
 * A UDP server of the test's on 127.0.0.1: `answer` gets each datagram and its number (from 1)
 * and says what to send back (nothing: the datagram is "lost").
 */
async function udpServer(answer: (data: Buffer, count: number) => Buffer[]): Promise<number> {
  const socket = createSocket('udp4')
  sockets.push(socket)
  let count = 0
  socket.on('message', (data: Buffer, from) => {
    count += 1
    for (const reply of answer(data, count)) {
      socket.send(reply, from.port, from.address)
    }
  })
  socket.bind(0, '127.0.0.1')
  await once(socket, 'listening')
  return socket.address().port
}

function client(port: number, args: readonly string[]) {
  return runNode([clientBin, '--udp', '--host', '127.0.0.1', '--port', String(port), ...args])
}

describe('echo-client --udp (built)', () => {
  it('against the built echo-server --udp: each message one datagram, echoed before the next; exit 0', async () => {
    const server = startProcess(process.execPath, [
      serverBin,
      '--udp',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
    ])
    running.push(server)
    const port = Number(await server.waitForStderr(/^main: starting up on \S+ port (\d+)$/m))
    const { code, stderr } = await client(port, [])
    expect(code).toBe(0)
    expect(stderr.trimEnd().split('\n')).toEqual([
      'main: waiting for client to complete',
      `EchoClient: connecting to 127.0.0.1 port ${port}`,
      "EchoClient: sending b'This is the message. '",
      "EchoClient: received b'This is the message. '",
      "EchoClient: sending b'It will be sent '",
      "EchoClient: received b'It will be sent '",
      "EchoClient: sending b'in parts.'",
      "EchoClient: received b'in parts.'",
      'main: closing event loop',
    ])
    await expect
      .poll(() => server.stderr())
      .toMatch(/EchoServer_127\.0\.0\.1_\d+: sent b'in parts\.'\n$/)
  })

  it('sends a datagram again when its echo does not come back in --timeout', async () => {
    const port = await udpServer((data, count) => (count === 1 ? [] : [data]))
    const { code, stderr } = await client(port, ['--timeout', '1', 'lost once'])
    expect(code).toBe(0)
    expect(stderr).toContain(
      "EchoClient: sending b'lost once'\nEchoClient: no echo after 1 s: sending again (try 2 of 3)\nEchoClient: received b'lost once'\n",
    )
  })

  it('exits 1 with one line when no echo comes after --retries resends', async () => {
    const port = await udpServer(() => [])
    const { code, stderr } = await client(port, ['--timeout', '0.2', '--retries', '1', 'a', 'b'])
    expect(code).toBe(1)
    expect(stderr.trimEnd().split('\n').at(-1)).toBe(
      'error: no echo of message 1 of 2 after 2 tries, 0.2 s each',
    )
  })

  it('exits 1 when the echo differs', async () => {
    const port = await udpServer((data) => [Buffer.from(data.toString().toUpperCase())])
    const { code, stderr } = await client(port, ['abc'])
    expect(code).toBe(1)
    expect(stderr.trimEnd().split('\n').at(-1)).toBe(
      'error: echo mismatch: message 1 of 1 came back different',
    )
  })

  it('exits 1 at once when nothing listens (ICMP port unreachable)', async () => {
    const closed = await udpServer(() => [])
    sockets.pop()?.close()
    const { code, stderr } = await client(closed, ['--timeout', '30'])
    expect(code).toBe(1)
    expect(stderr.trimEnd().split('\n').at(-1)).toBe(
      `error: no UDP server at 127.0.0.1 port ${closed}: connection refused (ECONNREFUSED)`,
    )
  })

  it('exits 1 on a message larger than a datagram can be', async () => {
    const port = await udpServer((data) => [data])
    const { code, stderr } = await client(port, ['--log-level', 'info', 'x'.repeat(70_000)])
    expect(code).toBe(1)
    expect(stderr).toBe(
      'error: message 1 of 1 (70000 bytes) is too large for one datagram (EMSGSIZE)\n',
    )
  })

  it.each([
    [
      ['--stdin'],
      'error: --udp cannot be combined with --stdin: a stream has no datagram boundaries',
    ],
    [['--tls'], 'error: --udp cannot be combined with --tls: there is no DTLS'],
  ])('refuses %j: exit 2, one line and the usage', async (args, line) => {
    const { code, stderr } = await client(1, args)
    expect(code).toBe(2)
    expect(stderr.split('\n').slice(0, 2)).toEqual([
      line,
      'usage: echo-client [options] [MESSAGE ...]',
    ])
  })
})
