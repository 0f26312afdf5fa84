import { createSocket, type Socket } from 'node:dgram'
import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import { run, serverBin, startServer, type RunningServer } from './run-app.ts'

const servers: RunningServer[] = []
const sockets: Socket[] = []
afterEach(async () => {
  for (const socket of sockets.splice(0)) {
    socket.close()
  }
  for (const server of servers.splice(0)) {
    server.child.kill('SIGKILL')
    await server.exit()
  }
})

async function start(args: readonly string[] = []): Promise<RunningServer> {
  const server = await startServer(['--udp', '--host', '127.0.0.1', '--port', '0', ...args])
  servers.push(server)
  return server
}

/** A UDP socket on 127.0.0.1, closed after the test. */
async function udpClient(): Promise<Socket> {
  const socket = createSocket('udp4')
  sockets.push(socket)
  socket.bind(0, '127.0.0.1')
  await once(socket, 'listening')
  return socket
}

/** Sends one datagram and waits for the next one to arrive (loopback loses none here). */
async function roundTrip(socket: Socket, port: number, data: Buffer): Promise<Buffer> {
  const echo = once(socket, 'message') as Promise<[Buffer]>
  socket.send(data, port, '127.0.0.1')
  const [received] = await echo
  return received
}

describe('echo-server --udp (built, run as a user would)', () => {
  it("echoes each datagram whole to its sender, with the seed's received and sent lines", async () => {
    const server = await start()
    await expect
      .poll(() => server.log())
      .toContain('main: UDP: each datagram is echoed to its sender\n')
    const client = await udpClient()
    const { port } = client.address()
    const name = `EchoServer_127.0.0.1_${port}`
    const datagrams = [
      Buffer.from('This is the message. '),
      Buffer.alloc(0),
      Buffer.from([0, 0xff]),
    ]
    for (const datagram of datagrams) {
      expect(await roundTrip(client, server.port, datagram)).toEqual(datagram)
    }
    await expect.poll(() => server.log()).toContain(`${name}: sent b'\\x00\\xff'`)
    expect(server.log().trimEnd().split('\n').slice(2)).toEqual([
      `${name}: received b'This is the message. '`,
      `${name}: sent b'This is the message. '`,
      `${name}: received b''`,
      `${name}: sent b''`,
      `${name}: received b'\\x00\\xff'`,
      `${name}: sent b'\\x00\\xff'`,
    ])
  })

  it('echoes the largest datagram IPv4 carries (65507 bytes), and serves each client apart', async () => {
    const server = await start(['--log-level', 'info'])
    const [first, second] = [await udpClient(), await udpClient()]
    const largest = Buffer.alloc(65507, 0x61)
    expect(await roundTrip(first, server.port, largest)).toEqual(largest)
    expect((await roundTrip(second, server.port, Buffer.from('second'))).toString()).toBe('second')
    expect((await roundTrip(first, server.port, Buffer.from('first'))).toString()).toBe('first')
  })

  it('on SIGTERM closes and exits 0 with the usual lines', async () => {
    const server = await start(['--log-level', 'info'])
    await expect.poll(() => server.log()).toContain('UDP')
    server.child.kill('SIGTERM')
    expect(await server.exit()).toBe(0)
    expect(server.log()).toBe(
      `main: starting up on 127.0.0.1 port ${server.port}\n` +
        'main: UDP: each datagram is echoed to its sender\n' +
        'main: closing server\nmain: closing event loop\n',
    )
  })

  it('exits 1 with one line when the port is taken', async () => {
    const taken = await udpClient()
    const { port } = taken.address()
    const { code, stderr } = await run([
      serverBin,
      '--udp',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
    ])
    expect(code).toBe(1)
    expect(stderr).toBe(
      `error: cannot listen on 127.0.0.1 port ${port}: address already in use (EADDRINUSE)\n`,
    )
  })

  it.each([
    [['--udp', '--unix', '/tmp/x.sock'], 'error: --udp cannot be combined with --unix'],
    [
      ['--udp', '--max-connections', '2'],
      'error: --udp cannot be combined with --max-connections: UDP has no connections',
    ],
  ])('refuses %j: exit 2, one line then the usage', async (args, line) => {
    const { code, stderr } = await run([serverBin, ...args])
    expect(code).toBe(2)
    expect(stderr.split('\n').slice(0, 2)).toEqual([line, 'usage: echo-server [options]'])
  })
})
