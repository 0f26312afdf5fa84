import { once } from 'node:events'
import { lookup } from 'node:dns/promises'
import { connect } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { NetworkError, Protocol, type Transport } from '@wirekit/protocol-core'
import { createServer, type TCPServer } from '../src/index.ts'
import { Cleanup, ended, portOf, rawClient, readAll, Recorder } from './helpers.ts'

const cleanup = new Cleanup()
afterEach(() => cleanup.run())

async function serve(
  factory: () => Protocol,
  options: Parameters<typeof createServer>[1] = {},
): Promise<TCPServer> {
  const server = await createServer(factory, { host: '127.0.0.1', port: 0, ...options })
  return cleanup.add(server, async (s) => {
    s.close()
    s.abortClients()
    await s.waitClosed()
  })
}

function connectRefused(port: number, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    socket.on('connect', () => {
      socket.destroy()
      resolve('connected')
    })
    socket.on('error', (error: NodeJS.ErrnoException) => {
      resolve(error.code ?? 'error')
    })
  })
}

class Echo extends Protocol {
  override dataReceived(data: Uint8Array): void {
    this.transport?.write(data)
  }

  override eofReceived(): boolean {
    this.transport?.writeEof()
    return true
  }
}

describe('createServer', () => {
  it('listens on every address the host resolves to, all on one port', async () => {
    const expected = (await lookup('localhost', { all: true })).map((a) => a.address).sort()
    const server = await serve(() => new Echo(), { host: 'localhost' })
    const addresses = server.addresses()
    expect(addresses.map((a) => a.address).sort()).toEqual(expected)
    expect(new Set(addresses.map((a) => a.port)).size).toBe(1)
  })

  it('listens on each host of an array with the same ephemeral port, IPv4 and IPv6', async () => {
    const server = await serve(() => new Echo(), { host: ['127.0.0.1', '::1'] })
    const addresses = server.addresses()
    expect(addresses.map((a) => a.address)).toEqual(['127.0.0.1', '::1'])
    expect(addresses[0]?.port).toBe(addresses[1]?.port)
    for (const { address, port } of addresses) {
      const socket = connect({ host: address, port })
      await once(socket, 'connect')
      socket.end('ping')
      expect((await readAll(socket)).toString()).toBe('ping')
    }
  })

  it('does not listen on other interfaces than the host given', async () => {
    const server = await serve(() => new Echo(), { host: '::1' })
    expect(await connectRefused(portOf(server), '127.0.0.1')).toBe('ECONNREFUSED')
  })

  it('echoes through the seed protocol: data, EOF, then the server closes', async () => {
    const server = await serve(() => new Echo())
    const socket = await rawClient(server)
    socket.write('This is the message. ')
    socket.write('It will be sent ')
    socket.end('in parts.')
    expect((await readAll(socket)).toString()).toBe(
      'This is the message. It will be sent in parts.',
    )
    await once(socket, 'close')
  })

  it('sets TCP_NODELAY on accepted sockets unless noDelay is false', async () => {
    const sockets: unknown[] = []
    class Keep extends Protocol {
      override connectionMade(transport: Transport): void {
        sockets.push(transport.getExtraInfo('socket'))
      }
    }
    // Node keeps the option in a symbol of the socket; there is no public getter.
    const noDelayOf = (socket: unknown): unknown => {
      const key = Object.getOwnPropertySymbols(socket).find((k) => k.description === 'kSetNoDelay')
      return key === undefined ? undefined : (socket as Record<symbol, unknown>)[key]
    }
    for (const noDelay of [undefined, false]) {
      const server = await serve(() => new Keep(), noDelay === undefined ? {} : { noDelay })
      cleanup.add(await rawClient(server), (s) => s.destroy())
      await expect.poll(() => sockets.length).toBe(noDelay === undefined ? 1 : 2)
    }
    expect(sockets.map(noDelayOf)).toEqual([true, false])
  })

  it('binds with SO_REUSEADDR: a port whose connection is in TIME_WAIT can be listened on again', async () => {
    class CloseFirst extends Protocol {
      override connectionMade(transport: Transport): void {
        transport.close() // the side that closes first keeps the port in TIME_WAIT
      }
    }
    const first = await createServer(() => new CloseFirst(), { host: '127.0.0.1', port: 0 })
    const port = portOf(first)
    const socket = await rawClient(first)
    await readAll(socket)
    socket.end()
    first.close()
    await first.waitClosed()
    const again = await serve(() => new Echo(), { port })
    expect(portOf(again)).toBe(port)
  })

  it('close() stops listening at once but leaves open connections alone', async () => {
    const recorder = new Recorder()
    const server = await serve(() => recorder)
    const socket = await rawClient(server)
    await recorder.waitFor('connectionMade')
    const port = portOf(server)
    server.close()
    expect(server.isServing()).toBe(false)
    expect(server.addresses()).toEqual([])
    expect(await connectRefused(port)).toBe('ECONNREFUSED')
    socket.write('still here')
    await recorder.waitForBytes(10)
    expect(recorder.received.toString()).toBe('still here')
    let settled = false
    const closed = server.waitClosed().then(() => (settled = true))
    await new Promise((resolve) => setImmediate(resolve))
    expect(settled).toBe(false)
    socket.end()
    await closed
    expect(recorder.names.at(-1)).toBe('connectionLost')
  })

  it('closeClients() closes every connection gracefully, flushing what was written', async () => {
    const transports: Transport[] = []
    class Greeter extends Protocol {
      override connectionMade(transport: Transport): void {
        super.connectionMade(transport)
        transports.push(transport)
      }
    }
    const server = await serve(() => new Greeter())
    const sockets = [await rawClient(server), await rawClient(server)]
    await expect.poll(() => transports.length).toBe(2)
    const big = Buffer.alloc(1024 * 1024, 7)
    for (const transport of transports) {
      transport.write(big)
    }
    server.close()
    server.closeClients()
    const received = await Promise.all(sockets.map(readAll))
    expect(received.map((b) => b.equals(big))).toEqual([true, true])
    await server.waitClosed()
    expect(server.connectionCount).toBe(0)
  })

  it('abortClients() drops buffers and closes at once; waitClosed() then resolves', async () => {
    const recorder = new Recorder()
    const server = await serve(() => recorder)
    const socket = await rawClient(server)
    await recorder.waitFor('connectionMade')
    socket.pause()
    recorder.transport?.write(Buffer.alloc(8 * 1024 * 1024))
    server.close()
    server.abortClients()
    await server.waitClosed()
    expect(recorder.names).toEqual(['connectionMade', 'pauseWriting', 'connectionLost'])
    expect(recorder.lostError).toBeUndefined()
    socket.destroy()
  })

  it('await using closes the server and its clients', async () => {
    const recorder = new Recorder()
    let port: number
    {
      await using server = await createServer(() => recorder, { host: '127.0.0.1', port: 0 })
      port = portOf(server)
      const socket = await rawClient(server)
      cleanup.add(socket, (s) => s.destroy())
      await recorder.waitFor('connectionMade')
    }
    expect(recorder.names.at(-1)).toBe('connectionLost')
    expect(await connectRefused(port)).toBe('ECONNREFUSED')
  })

  it('stops listening when its signal aborts, and refuses an aborted signal', async () => {
    const controller = new AbortController()
    const server = await serve(() => new Echo(), { signal: controller.signal })
    const port = portOf(server)
    controller.abort()
    expect(server.isServing()).toBe(false)
    expect(await connectRefused(port)).toBe('ECONNREFUSED')
    await expect(createServer(() => new Echo(), { signal: AbortSignal.abort() })).rejects.toThrow(
      /abort/i,
    )
  })

  it('fails with EADDRINUSE as a NetworkError naming host and port, leaving the first server serving', async () => {
    const first = await serve(() => new Echo())
    const port = portOf(first)
    const failure = await createServer(() => new Echo(), { host: '127.0.0.1', port }).catch(
      (error: unknown) => error,
    )
    expect(failure).toBeInstanceOf(NetworkError)
    expect(failure).toMatchObject({
      code: 'EADDRINUSE',
      host: '127.0.0.1',
      port,
      operation: 'listen',
    })
    expect((failure as Error).message).toBe(
      `cannot listen on 127.0.0.1 port ${port}: address already in use (EADDRINUSE)`,
    )
    const socket = await rawClient(first)
    socket.end('ok')
    expect((await readAll(socket)).toString()).toBe('ok')
  })

  it('fails with EADDRNOTAVAIL for an address this machine does not have, sending nothing', async () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): bind() refuses it locally, no packet leaves the machine.
    const failure = await createServer(() => new Echo(), { host: '192.0.2.1', port: 0 }).catch(
      (error: unknown) => error,
    )
    expect(failure).toBeInstanceOf(NetworkError)
    expect(failure).toMatchObject({ code: 'EADDRNOTAVAIL', host: '192.0.2.1', port: 0 })
    expect((failure as Error).message).toBe(
      'cannot listen on 192.0.2.1 port 0: address not available (EADDRNOTAVAIL)',
    )
  })

  it.each([
    [{ port: -1 }, RangeError, /option port must be an integer from 0 to 65535, got -1/],
    [{ port: 65536 }, RangeError, /got 65536/],
    [{ port: 1.5 }, RangeError, /got 1.5/],
    [{ port: Number.NaN }, RangeError, /got NaN/],
    [{ port: '80' }, TypeError, /option port must be a number, got "80"/],
    [{ host: '' }, RangeError, /option host must be a host name or address, got ""/],
    [{ host: 'a b' }, RangeError, /option host/],
    [{ host: [] }, RangeError, /option host/],
    [{ backlog: 0 }, RangeError, /option backlog must be a positive integer, got 0/],
    [{ maxConnections: -5 }, RangeError, /option maxConnections/],
    [{ idleTimeout: -1 }, RangeError, /option idleTimeout must be a finite number >= 0, got -1/],
    [
      { lingerTimeout: -1 },
      RangeError,
      /option lingerTimeout must be a finite number >= 0, got -1/,
    ],
    [{ lingerTimeout: '5' }, TypeError, /option lingerTimeout/],
    [{ noDelay: 'yes' }, TypeError, /option noDelay must be a boolean/],
    [
      { writeBufferLimits: { high: 1, low: 2 } },
      RangeError,
      /option writeBufferLimits: .*high >= low/,
    ],
    [{ signal: {} }, TypeError, /option signal must be an AbortSignal/],
  ])(
    'refuses the options %o with a typed error naming the option',
    async (options, type, message) => {
      const attempt = createServer(() => new Echo(), options as never)
      await expect(attempt).rejects.toThrow(type)
      await expect(attempt).rejects.toThrow(message)
    },
  )

  it('closes connections past maxConnections at once, counts them, and frees a slot on close', async () => {
    const warnings: string[] = []
    const recorders: Recorder[] = []
    const server = await serve(
      () => {
        const recorder = new Recorder()
        recorders.push(recorder)
        return recorder
      },
      { maxConnections: 2, onWarning: (message) => warnings.push(message) },
    )
    const first = await rawClient(server)
    const second = await rawClient(server)
    await expect.poll(() => server.connectionCount).toBe(2)
    const third = await rawClient(server)
    // The refused peer sees its connection end (EOF or reset), never a hang.
    await ended(third)
    third.destroy()
    expect(server.refusedCount).toBe(1)
    expect(recorders).toHaveLength(2)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/refused a connection .*maxConnections/)
    first.destroy()
    await recorders[0]?.waitFor('connectionLost')
    const fourth = await rawClient(server)
    fourth.end('slot')
    expect((await readAll(fourth)).length).toBe(0)
    await expect.poll(() => recorders.length).toBe(3)
    second.destroy()
  })

  it('closes a connection idle for idleTimeout with an IdleTimeoutError, while traffic keeps one alive', async () => {
    const recorders: Recorder[] = []
    const server = await serve(
      () => {
        const recorder = new Recorder()
        recorders.push(recorder)
        return recorder
      },
      { idleTimeout: 600 },
    )
    const silent = await rawClient(server)
    const chatty = await rawClient(server)
    await expect.poll(() => recorders.length).toBe(2)
    const [silentSide, chattySide] = recorders as [Recorder, Recorder]
    // The chatty client keeps talking for longer than the timeout, a byte every 100 ms.
    for (let i = 0; i < 10; i++) {
      chatty.write('x')
      await chattySide.waitForBytes(i + 1)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await silentSide.waitFor('connectionLost')
    expect(silentSide.lostError).toMatchObject({ name: 'IdleTimeoutError', timeout: 600 })
    expect(chattySide.names).not.toContain('connectionLost')
    await ended(silent)
    silent.destroy()
    await chattySide.waitFor('connectionLost')
    chatty.destroy()
  })

  it('reports an error thrown by the protocol factory and keeps serving', async () => {
    const errors: Error[] = []
    let calls = 0
    const server = await serve(
      () => {
        calls += 1
        if (calls === 1) {
          throw new Error('no protocol today')
        }
        return new Echo()
      },
      { onError: (error) => errors.push(error) },
    )
    const refused = await rawClient(server)
    await ended(refused)
    refused.destroy()
    expect(errors.map((e) => e.message)).toEqual(['the protocol factory threw: no protocol today'])
    const socket = await rawClient(server)
    socket.end('fine')
    expect((await readAll(socket)).toString()).toBe('fine')
  })
})
