import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { clientBin, runNode, serverBin, startProcess, type StartedProcess } from './apps.ts'

/** The seed's programs, in Python asyncio, written by the test: the peers we must interoperate with. */
const PYTHON_SERVER = `
import asyncio, logging, sys
logging.basicConfig(level=logging.DEBUG, format='%(name)s: %(message)s', stream=sys.stderr)

class EchoServer(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        self.log = logging.getLogger('EchoServer_{}_{}'.format(*transport.get_extra_info('peername')[:2]))
        self.log.debug('connection accepted')
    def data_received(self, data):
        self.log.debug('received {!r}'.format(data))
        self.transport.write(data)
    def eof_received(self):
        self.log.debug('received EOF')
        if self.transport.can_write_eof():
            self.transport.write_eof()
    def connection_lost(self, error):
        self.log.debug('closing')

async def main():
    server = await asyncio.get_running_loop().create_server(EchoServer, '127.0.0.1', 0)
    logging.getLogger('main').debug('starting up on 127.0.0.1 port {}'.format(server.sockets[0].getsockname()[1]))
    await server.serve_forever()

asyncio.run(main())
`

const PYTHON_CLIENT = `
import asyncio, logging, sys
logging.basicConfig(level=logging.DEBUG, format='%(name)s: %(message)s', stream=sys.stderr)
MESSAGES = [b'This is the message. ', b'It will be sent ', b'in parts.']

class EchoClient(asyncio.Protocol):
    def __init__(self, done):
        self.done, self.received = done, b''
        self.log = logging.getLogger('EchoClient')
    def connection_made(self, transport):
        for message in MESSAGES:
            transport.write(message)
            self.log.debug('sending {!r}'.format(message))
        transport.write_eof()
    def data_received(self, data):
        self.log.debug('received {!r}'.format(data))
        self.received += data
    def eof_received(self):
        self.log.debug('received EOF')
    def connection_lost(self, exc):
        self.done.set_result(self.received)

async def main(port):
    done = asyncio.get_running_loop().create_future()
    await asyncio.get_running_loop().create_connection(lambda: EchoClient(done), '127.0.0.1', port)
    received = await done
    sys.exit(0 if received == b''.join(MESSAGES) else 1)

asyncio.run(main(int(sys.argv[1])))
`

const folder = mkdtempSync(join(tmpdir(), 'wirekit-interop-'))
writeFileSync(join(folder, 'echo_server.py'), PYTHON_SERVER)
writeFileSync(join(folder, 'echo_client.py'), PYTHON_CLIENT)
afterAll(() => rmSync(folder, { recursive: true, force: true }))

const running: StartedProcess[] = []
afterEach(async () => {
  for (const process of running.splice(0)) {
    process.kill()
    await process.finished
  }
})

describe('interop with Python asyncio, both ways', () => {
  it('our client gets its echo from a Python asyncio echo server', async () => {
    const python = startProcess('python3', [join(folder, 'echo_server.py')])
    running.push(python)
    const port = await python.waitForStderr(/^main: starting up on \S+ port (\d+)$/m)
    const { code, stderr } = await runNode([clientBin, '--host', '127.0.0.1', '--port', port])
    expect(code).toBe(0)
    expect(stderr).toContain('EchoClient: received EOF')
    await expect.poll(() => python.stderr()).toMatch(/: closing$/m)
    expect(python.stderr()).toMatch(/received b'This is the message\. /)
  })

  it("our server echoes a Python asyncio client's messages exactly", async () => {
    const server = startProcess(process.execPath, [serverBin, '--host', '127.0.0.1', '--port', '0'])
    running.push(server)
    const port = await server.waitForStderr(/^main: starting up on \S+ port (\d+)$/m)
    const python = await startProcess('python3', [join(folder, 'echo_client.py'), port]).finished
    expect(python.stderr).toContain('EchoClient: received EOF')
    expect(python.code).toBe(0)
    await expect.poll(() => server.stderr()).toMatch(/: closing$/m)
  })
})
