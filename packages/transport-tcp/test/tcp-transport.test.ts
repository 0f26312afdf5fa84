import { randomBytes } from 'node:crypto'
import { Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import {
  BufferedProtocol,
  isTransport,
  ProtocolCallbackError,
  WriteAfterEofError,
  type Transport,
} from '@wirekit/protocol-core'
import { createServer, type TCPServer, type TCPServerOptions } from '../src/index.ts'
import { Cleanup, ended, rawClient, readAll, Recorder, serveCollecting } from './helpers.ts'

const cleanup = new Cleanup()
afterEach(() => cleanup.run())

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)

/** A server whose protocols are the recorders `make` returns; resolves with the first one connected. */
async function accept<TProtocol extends Recorder>(
  make: () => TProtocol,
  options: TCPServerOptions = {},
): Promise<{ server: TCPServer; socket: Socket; protocol: TProtocol }> {
  const { server, protocols } = await serveCollecting(cleanup, make, options)
  const socket = cleanup.add(await rawClient(server), (s) => s.destroy())
  await expect.poll(() => protocols.length).toBe(1)
  const [protocol] = protocols as [TProtocol]
  await protocol.waitFor('connectionMade')
  return { server, socket, protocol }
}

function transportOf(protocol: Recorder): Transport {
  if (protocol.transport === undefined) {
    throw new Error('not connected')
  }
  return protocol.transport
}

describe('TCP transport: call order', () => {
  it('calls connectionMade, dataReceived, eofReceived and connectionLost in order, once each end', async () => {
    const { socket, protocol } = await accept(() => new Recorder())
    expect(isTransport(protocol.transport)).toBe(true)
    socket.end('hello')
    await protocol.waitFor('connectionLost')
    expect(protocol.names).toEqual([
      'connectionMade',
      'dataReceived',
      'eofReceived',
      'connectionLost',
    ])
    expect(protocol.received.toString()).toBe('hello')
    expect(protocol.lostError).toBeUndefined()
  })

  it('calls connectionLost only after a close() made inside connectionMade has returned, with no data', async () => {
    class CloseAtOnce extends Recorder {
      override connectionMade(transport: Transport): void {
        super.connectionMade(transport)
        transport.close()
        this.record({ name: 'resumeWriting' }) // a marker: still inside connectionMade
      }
    }
    const { socket, protocol } = await accept(() => new CloseAtOnce())
    socket.write('too late')
    await protocol.waitFor('connectionLost')
    await ended(socket)
    expect(protocol.names).toEqual(['connectionMade', 'resumeWriting', 'connectionLost'])
  })

  it('abort() inside dataReceived: no further data, connectionLost after the callback returned', async () => {
    class AbortOnData extends Recorder {
      override dataReceived(data: Uint8Array): void {
        super.dataReceived(data)
        transportOf(this).abort()
        this.record({ name: 'resumeWriting' }) // still inside dataReceived
      }
    }
    const { socket, protocol } = await accept(() => new AbortOnData())
    socket.write('first')
    await protocol.waitFor('connectionLost')
    socket.write('second')
    expect(protocol.names).toEqual([
      'connectionMade',
      'dataReceived',
      'resumeWriting',
      'connectionLost',
    ])
  })
})

describe('TCP transport: reading', () => {
  it('delivers no data after pauseReading() returns, then everything in order after resumeReading()', async () => {
    class PauseOnFirst extends Recorder {
      override dataReceived(data: Uint8Array): void {
        super.dataReceived(data)
        if (this.names.filter((n) => n === 'dataReceived').length === 1) {
          transportOf(this).pauseReading()
        }
      }
    }
    const { socket, protocol } = await accept(() => new PauseOnFirst())
    const payload = randomBytes(4 * 1024 * 1024)
    socket.write(payload.subarray(0, 1))
    await protocol.waitForBytes(1)
    expect(transportOf(protocol).isReading()).toBe(false)
    socket.write(payload.subarray(1))
    // Let the rest reach the server's kernel buffers and Node; none of it may be delivered.
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(protocol.received.length).toBe(1)
    transportOf(protocol).resumeReading()
    expect(transportOf(protocol).isReading()).toBe(true)
    await protocol.waitForBytes(payload.length)
    expect(protocol.received.equals(payload)).toBe(true)
  })

  it('feeds a BufferedProtocol through getBuffer/bufferUpdated, byte-exact, honouring pauseReading', async () => {
    class Collector extends BufferedProtocol {
      readonly memory = new Uint8Array(1000)
      readonly chunks: Buffer[] = []
      lost = false
      override getBuffer(sizeHint: number): Uint8Array {
        expect(sizeHint).toBeGreaterThan(0)
        return this.memory
      }
      override bufferUpdated(nbytes: number): void {
        this.chunks.push(Buffer.from(this.memory.subarray(0, nbytes)))
      }
      override connectionLost(): void {
        this.lost = true
      }
    }
    const collectors: Collector[] = []
    const server = await createServer(
      () => {
        const collector = new Collector()
        collectors.push(collector)
        return collector
      },
      { host: '127.0.0.1', port: 0 },
    )
    cleanup.add(server, (s) => s.close())
    const socket = await rawClient(server)
    const payload = randomBytes(3 * 1024 * 1024 + 7)
    socket.end(payload)
    await expect.poll(() => collectors[0]?.lost, { timeout: 10_000 }).toBe(true)
    const received = Buffer.concat(collectors[0]?.chunks ?? [])
    expect(received.equals(payload)).toBe(true)
    expect(Math.max(...(collectors[0]?.chunks.map((c) => c.length) ?? []))).toBeLessThanOrEqual(
      1000,
    )
  })
})

describe('TCP transport: writing', () => {
  it('refuses non-bytes with a TypeError, ignores an empty write, and sends what the array held at write()', async () => {
    const { socket, protocol } = await accept(() => new Recorder())
    const transport = transportOf(protocol)
    expect(() => transport.write('text' as never)).toThrow(TypeError)
    expect(() => transport.write(null as never)).toThrow('write() takes a Uint8Array, got null')
    expect(() => transport.writeLines([bytes('a'), 42 as never])).toThrow(TypeError)
    transport.write(new Uint8Array(0))
    expect(transport.getWriteBufferSize()).toBe(0)
    socket.pause()
    const big = new Uint8Array(16 * 1024 * 1024).fill(1)
    transport.write(big)
    big.fill(2) // changing the caller's array after write() must change nothing that is sent
    transport.close()
    socket.resume()
    const received = await readAll(socket)
    expect(received.length).toBe(big.length)
    expect(received.every((b) => b === 1)).toBe(true)
  })

  it('writeLines sends the chunks in order, exactly like the same writes', async () => {
    const { socket, protocol } = await accept(() => new Recorder())
    transportOf(protocol).writeLines([
      bytes('one '),
      new Uint8Array(0),
      bytes('two '),
      bytes('three'),
    ])
    transportOf(protocol).close()
    expect((await readAll(socket)).toString()).toBe('one two three')
  })

  it('writeEof(): FIN after the buffered data, write() afterwards throws, a second call does nothing', async () => {
    const { socket, protocol } = await accept(() => new Recorder())
    const transport = transportOf(protocol)
    expect(transport.canWriteEof()).toBe(true)
    socket.pause()
    const payload = randomBytes(8 * 1024 * 1024)
    transport.write(payload)
    transport.writeEof()
    transport.writeEof()
    expect(() => transport.write(bytes('late'))).toThrow(WriteAfterEofError)
    socket.resume()
    const received = await readAll(socket)
    expect(received.equals(payload)).toBe(true)
    // The read side is still open after our FIN.
    socket.end('after')
    await protocol.waitFor('connectionLost')
    expect(protocol.received.toString()).toBe('after')
  })

  it('drops writes after close() without throwing, and warns once from the fifth', async () => {
    const warnings: string[] = []
    const { socket, protocol } = await accept(() => new Recorder(), {
      onWarning: (message) => warnings.push(message),
    })
    const transport = transportOf(protocol)
    transport.write(bytes('kept'))
    transport.close()
    transport.close()
    expect(transport.isClosing()).toBe(true)
    for (let i = 0; i < 4; i++) {
      transport.write(bytes('dropped'))
    }
    expect(warnings).toEqual([])
    for (let i = 0; i < 10; i++) {
      transport.write(bytes('dropped'))
    }
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(
      /write\(\) called 5 times after the connection with 127\.0\.0\.1 port \d+ was closed/,
    )
    expect((await readAll(socket)).toString()).toBe('kept')
    await protocol.waitFor('connectionLost')
    expect(protocol.lostError).toBeUndefined()
  })

  it('close() stops reading at once, flushes, sends FIN, then connectionLost(undefined)', async () => {
    const { socket, protocol } = await accept(() => new Recorder())
    const transport = transportOf(protocol)
    socket.pause()
    const payload = randomBytes(8 * 1024 * 1024)
    transport.write(payload)
    transport.close()
    expect(transport.isReading()).toBe(false)
    socket.write('unread')
    socket.resume()
    expect((await readAll(socket)).equals(payload)).toBe(true)
    await protocol.waitFor('connectionLost')
    expect(protocol.names).not.toContain('dataReceived')
    expect(protocol.lostError).toBeUndefined()
  })

  it('abort() drops the buffer and closes at once; abort() after close() cuts the flush short', async () => {
    const { socket, protocol } = await accept(() => new Recorder())
    const transport = transportOf(protocol)
    socket.pause()
    transport.write(randomBytes(32 * 1024 * 1024))
    transport.close()
    transport.abort()
    transport.abort()
    await protocol.waitFor('connectionLost')
    expect(protocol.lostError).toBeUndefined()
    expect(transport.getWriteBufferSize()).toBe(0)
    socket.resume()
    const received = await readAll(socket).catch(() => Buffer.alloc(0))
    expect(received.length).toBeLessThan(32 * 1024 * 1024)
  })
})

describe('TCP transport: EOF', () => {
  it('closes itself when eofReceived() returns false, after flushing', async () => {
    const { socket, protocol } = await accept(() => new Recorder())
    socket.end()
    await protocol.waitFor('connectionLost')
    expect(protocol.names).toEqual(['connectionMade', 'eofReceived', 'connectionLost'])
    await ended(socket)
  })

  it('keeps the write side open when eofReceived() returns true (Node auto-end does not leak)', async () => {
    const { socket, protocol } = await accept(() => {
      const recorder = new Recorder()
      recorder.keepOpenOnEof = true
      return recorder
    })
    socket.end('question')
    await protocol.waitFor('eofReceived')
    const transport = transportOf(protocol)
    expect(transport.isClosing()).toBe(false)
    transport.write(bytes('answer'))
    transport.close()
    expect((await readAll(socket)).toString()).toBe('answer')
    await protocol.waitFor('connectionLost')
  })
})

describe('TCP transport: errors', () => {
  it('reports a throwing dataReceived once, aborts, and passes the error to connectionLost; others carry on', async () => {
    const errors: Error[] = []
    class Thrower extends Recorder {
      override dataReceived(data: Uint8Array): void {
        super.dataReceived(data)
        if (Buffer.from(data).toString().startsWith('boom')) {
          throw new Error('bad input')
        }
        transportOf(this).write(data)
      }
    }
    const { server, socket, protocol } = await accept(() => new Thrower(), {
      onError: (error) => errors.push(error),
    })
    const other = await rawClient(server)
    cleanup.add(other, (s) => s.destroy())
    socket.write('boom')
    socket.write('boom again')
    await protocol.waitFor('connectionLost')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(ProtocolCallbackError)
    expect(errors[0]).toMatchObject({ callback: 'dataReceived', cause: { message: 'bad input' } })
    expect(errors[0]?.message).toMatch(
      /^dataReceived\(\) threw \(peer 127\.0\.0\.1 port \d+\): bad input$/,
    )
    expect(protocol.lostError).toBe(errors[0])
    await ended(socket)
    other.write('still fine')
    other.end()
    expect((await readAll(other)).toString()).toBe('still fine')
  })

  it.each(['connectionMade', 'eofReceived', 'connectionLost'] as const)(
    'reports a throwing %s once and keeps the server serving',
    async (callback) => {
      const errors: Error[] = []
      let armed = true
      class Thrower extends Recorder {
        override connectionMade(transport: Transport): void {
          super.connectionMade(transport)
          if (callback === 'connectionMade' && armed) {
            armed = false
            throw new Error('made')
          }
        }
        override eofReceived(): boolean {
          super.eofReceived()
          if (callback === 'eofReceived') {
            throw new Error('eof')
          }
          return false
        }
        override connectionLost(error: Error | undefined): void {
          super.connectionLost(error)
          if (callback === 'connectionLost') {
            throw new Error('lost')
          }
        }
      }
      const { server, socket, protocol } = await accept(() => new Thrower(), {
        onError: (error) => errors.push(error),
      })
      socket.end()
      await protocol.waitFor('connectionLost')
      await expect.poll(() => errors.length).toBe(1)
      expect(errors[0]).toMatchObject({ name: 'ProtocolCallbackError', callback })
      if (callback !== 'connectionLost') {
        expect(protocol.lostError).toBe(errors[0])
      }
      const next = await rawClient(server)
      cleanup.add(next, (s) => s.destroy())
      next.end()
      await ended(next)
      expect(server.isServing()).toBe(true)
    },
  )

  it('reports a throwing pauseWriting without closing the connection', async () => {
    const errors: Error[] = []
    class PauseThrower extends Recorder {
      override pauseWriting(): void {
        super.pauseWriting()
        throw new Error('cannot pause')
      }
    }
    const { socket, protocol } = await accept(() => new PauseThrower(), {
      onError: (error) => errors.push(error),
      writeBufferLimits: { high: 0 },
    })
    socket.pause()
    const transport = transportOf(protocol)
    // Until the kernel's buffers are full: what it takes at once never counts as buffered.
    const chunks: Buffer[] = []
    while (errors.length === 0 && chunks.length < 64) {
      const chunk = randomBytes(1024 * 1024)
      chunks.push(chunk)
      transport.write(chunk)
    }
    const payload = Buffer.concat(chunks)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ name: 'ProtocolCallbackError', callback: 'pauseWriting' })
    expect(transport.isClosing()).toBe(false)
    transport.close()
    socket.resume()
    expect((await readAll(socket)).equals(payload)).toBe(true)
  })

  it('turns a reset by the peer into one connectionLost(ECONNRESET), never an unhandled error', async () => {
    const { socket, protocol } = await accept(() => new Recorder())
    const transport = transportOf(protocol)
    socket.pause()
    transport.write(randomBytes(8 * 1024 * 1024))
    socket.resetAndDestroy()
    await protocol.waitFor('connectionLost')
    expect(protocol.names.filter((n) => n === 'connectionLost')).toHaveLength(1)
    expect(protocol.lostError).toMatchObject({
      code: expect.stringMatching(/^(ECONNRESET|EPIPE)$/) as unknown,
    })
    expect(() => transport.write(bytes('after the reset'))).not.toThrow()
  })

  it('reports a reset that comes right after a short read as ECONNRESET, not as EOF', async () => {
    // libuv ends the stream without reading when POLLHUP follows a short read: without the
    // transport's probe, this reset reached the protocol as eofReceived and a clean loss.
    const { socket, protocol } = await accept(() => new Recorder())
    socket.write(randomBytes(1024 * 1024))
    await protocol.waitForBytes(1)
    socket.resetAndDestroy()
    await protocol.waitFor('connectionLost')
    expect(protocol.names).not.toContain('eofReceived')
    expect(protocol.lostError).toMatchObject({ code: 'ECONNRESET' })
  })
})

describe('TCP transport: extra info and protocol', () => {
  it('gives peername, sockname, the socket, and the default for unknown keys', async () => {
    const { socket, protocol } = await accept(() => new Recorder())
    const transport = transportOf(protocol)
    expect(transport.getExtraInfo('peername')).toEqual({
      address: '127.0.0.1',
      family: 'IPv4',
      port: socket.localPort,
    })
    expect(transport.getExtraInfo('sockname')).toEqual({
      address: '127.0.0.1',
      family: 'IPv4',
      port: socket.remotePort,
    })
    expect(transport.getExtraInfo('socket')).toBeInstanceOf(Socket)
    expect(transport.getExtraInfo('sslcontext')).toBeUndefined()
    expect(transport.getExtraInfo('sslcontext', 'none')).toBe('none')
  })

  it('sends later callbacks to the protocol given to setProtocol()', async () => {
    const { socket, protocol } = await accept(() => new Recorder())
    const next = new Recorder()
    transportOf(protocol).setProtocol(next)
    expect(transportOf(protocol).getProtocol()).toBe(next)
    socket.end('for the next one')
    await next.waitFor('connectionLost')
    expect(next.received.toString()).toBe('for the next one')
    expect(protocol.names).toEqual(['connectionMade'])
  })

  it('echoes 32 MiB both ways byte-exact with backpressure', async () => {
    class Echo extends Recorder {
      override dataReceived(data: Uint8Array): void {
        transportOf(this).write(data)
      }
      override pauseWriting(): void {
        transportOf(this).pauseReading()
      }
      override resumeWriting(): void {
        transportOf(this).resumeReading()
      }
    }
    const { socket } = await accept(() => new Echo())
    const payload = randomBytes(32 * 1024 * 1024)
    const echoed = readAll(socket)
    socket.end(payload)
    expect((await echoed).equals(payload)).toBe(true)
  })
})
