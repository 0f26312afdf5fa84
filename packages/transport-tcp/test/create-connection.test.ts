import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createServer as createNetServer, type Server as NetServer } from 'node:net'
import { createInterface } from 'node:readline'
import { afterEach, describe, expect, it } from 'vitest'
import { NetworkError, Protocol } from '@wirekit/protocol-core'
import { createConnection } from '../src/index.ts'
import { toNetworkError } from '../src/network-errors.ts'
import { Cleanup, Recorder } from './helpers.ts'

const cleanup = new Cleanup()
afterEach(() => cleanup.run())

async function netServer(onConnection: Parameters<typeof createNetServer>[1]): Promise<NetServer> {
  const server = createNetServer({ allowHalfOpen: true }, onConnection)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return cleanup.add(server, (s) => s.close())
}

function portOf(server: NetServer): number {
  const address = server.address()
  if (address == null || typeof address === 'string') {
    throw new Error('not listening')
  }
  return address.port
}

/** A port nothing listens on: the port of a server that was just closed. */
async function closedPort(): Promise<number> {
  const server = createNetServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const port = portOf(server)
  server.close()
  await once(server, 'close')
  return port
}

/**
 * A Python listener that never accepts, with its queue filled, so that further connects hang in
 * SYN-SENT: the real way to make a connect time out on loopback.
 */
async function blackHole(): Promise<number> {
  const script = [
    'import socket, sys, time',
    's = socket.socket()',
    "s.bind(('127.0.0.1', 0))",
    's.listen(0)',
    'fill = []',
    'for _ in range(8):',
    '    c = socket.socket(); c.setblocking(False)',
    '    c.connect_ex(s.getsockname()); fill.append(c)',
    'print(s.getsockname()[1], flush=True)',
    'sys.stdin.read()',
  ].join('\n')
  const child: ChildProcess = spawn('python3', ['-c', script], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  cleanup.add(child, (c) => c.kill())
  if (child.stdout == null) {
    throw new Error('no stdout')
  }
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string]
  return Number(line)
}

describe('createConnection', () => {
  it('resolves once connectionMade has run, with the transport and the protocol', async () => {
    const server = await netServer((socket) => socket.pipe(socket))
    const recorder = new Recorder()
    const { transport, protocol } = await createConnection(() => recorder, {
      host: '127.0.0.1',
      port: portOf(server),
    })
    expect(protocol).toBe(recorder)
    expect(recorder.names).toEqual(['connectionMade'])
    expect(recorder.transport).toBe(transport)
    expect(transport.getExtraInfo('peername')).toEqual({
      address: '127.0.0.1',
      family: 'IPv4',
      port: portOf(server),
    })
    transport.write(new TextEncoder().encode('ping'))
    await recorder.waitForBytes(4)
    transport.abort()
    await recorder.waitFor('connectionLost')
  })

  it('connects from the localAddress given', async () => {
    const server = await netServer((socket) => socket.end())
    const recorder = new Recorder()
    const { transport } = await createConnection(() => recorder, {
      host: '127.0.0.1',
      port: portOf(server),
      localAddress: '127.0.0.1',
    })
    expect(transport.getExtraInfo('sockname')?.address).toBe('127.0.0.1')
    await recorder.waitFor('connectionLost')
  })

  it('rejects with ECONNREFUSED, naming host and port, without calling the factory', async () => {
    const port = await closedPort()
    let made = 0
    const failure = await createConnection(
      () => {
        made += 1
        return new Protocol()
      },
      { host: '127.0.0.1', port },
    ).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(NetworkError)
    expect(failure).toMatchObject({
      code: 'ECONNREFUSED',
      host: '127.0.0.1',
      port,
      operation: 'connect',
    })
    expect((failure as Error).message).toBe(
      `cannot connect to 127.0.0.1 port ${port}: connection refused (ECONNREFUSED)`,
    )
    expect(made).toBe(0)
  })

  it('rejects with ETIMEDOUT when the connection is not made within timeout', async () => {
    const port = await blackHole()
    const failure = await createConnection(() => new Protocol(), {
      host: '127.0.0.1',
      port,
      timeout: 300,
    }).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(NetworkError)
    expect(failure).toMatchObject({ code: 'ETIMEDOUT', port })
    expect((failure as Error).message).toMatch(
      /^cannot connect to 127\.0\.0\.1 port \d+: timed out \(ETIMEDOUT\)$/,
    )
  })

  it('rejects with the signal reason when aborted while connecting', async () => {
    const port = await blackHole()
    const controller = new AbortController()
    const attempt = createConnection(() => new Protocol(), {
      host: '127.0.0.1',
      port,
      signal: controller.signal,
    })
    controller.abort(new Error('changed my mind'))
    await expect(attempt).rejects.toThrow('changed my mind')
    await expect(
      createConnection(() => new Protocol(), { port, signal: AbortSignal.abort() }),
    ).rejects.toThrow(/abort/i)
  })

  it('keeps the system code of a name that does not resolve (ENOTFOUND)', () => {
    // Resolving a real name would query a name server off this machine: the mapping is checked
    // on the error object getaddrinfo produces instead.
    const cause = Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'), {
      code: 'ENOTFOUND',
      syscall: 'getaddrinfo',
    })
    const error = toNetworkError('connect', 'nowhere.invalid', 80, cause)
    expect(error).toMatchObject({ code: 'ENOTFOUND', cause })
    expect(error.message).toBe(
      'cannot connect to nowhere.invalid port 80: host not found (ENOTFOUND)',
    )
    const aggregate = new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })])
    expect(toNetworkError('connect', 'localhost', 1, aggregate).code).toBe('ECONNREFUSED')
  })

  it.each([
    [{ port: 0 }, RangeError, /option port must be an integer from 1 to 65535, got 0/],
    [{ port: 70000 }, RangeError, /got 70000/],
    [{ port: Number.POSITIVE_INFINITY }, RangeError, /got Infinity/],
    [{}, TypeError, /option port must be a number, got undefined/],
    [{ port: 80, host: ' ' }, RangeError, /option host/],
    [{ port: 80, timeout: -1 }, RangeError, /option timeout/],
    [{ port: 80, localAddress: '' }, RangeError, /option localAddress/],
    [{ port: 80, onError: 'x' }, TypeError, /option onError must be a function/],
  ])(
    'refuses the options %o with a typed error naming the option',
    async (options, type, message) => {
      const attempt = createConnection(() => new Protocol(), options as never)
      await expect(attempt).rejects.toThrow(type)
      await expect(attempt).rejects.toThrow(message)
    },
  )
})
