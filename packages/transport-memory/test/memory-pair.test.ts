import { describe, expect, it } from 'vitest'
import { createMemoryPair, type MemoryPair } from '../src/index.ts'
import { bytes, Log } from './recorder.ts'

describe('memory pair: the explicit pump', () => {
  it('calls connectionMade on the server, then the client, before returning; delivers nothing until a step', () => {
    const order: string[] = []
    class Named extends Log {
      readonly name: string
      constructor(name: string) {
        super()
        this.name = name
      }
      override connectionMade(transport: Parameters<Log['connectionMade']>[0]): void {
        super.connectionMade(transport)
        order.push(this.name)
      }
    }
    const pair = createMemoryPair(
      () => new Named('client'),
      () => new Named('server'),
    )
    expect(order).toEqual(['server', 'client'])
    pair.client.transport.write(bytes('hello'))
    expect(pair.client.transport.getWriteBufferSize()).toBe(5)
    expect(pair.server.protocol.names).toEqual(['connectionMade'])
    expect(pair.step()).toBe(true)
    expect(pair.server.protocol.received).toBe('hello')
    expect(pair.client.transport.getWriteBufferSize()).toBe(0)
    expect(pair.step()).toBe(false)
  })

  it('coalesces what was written before a step into one delivery, as a socket read would', () => {
    const pair = createMemoryPair(
      () => new Log(),
      () => new Log(),
    )
    const client = pair.client.transport
    client.write(bytes('This is the message. '))
    client.write(bytes('It will be sent '))
    client.write(bytes('in parts.'))
    pair.step()
    expect(pair.server.protocol.chunks).toHaveLength(1)
    expect(pair.server.protocol.received).toBe('This is the message. It will be sent in parts.')
  })

  it('flush() runs steps until both sides rest and returns how many did something', () => {
    const pair = createMemoryPair(
      () => new Log(),
      () => new Log(),
    )
    pair.client.transport.write(bytes('bye'))
    pair.client.transport.close()
    expect(pair.flush()).toBeGreaterThan(0)
    expect(pair.done).toBe(true)
    expect(pair.server.protocol.names).toEqual([
      'connectionMade',
      'dataReceived',
      'eofReceived',
      'connectionLost',
    ])
    expect(pair.client.protocol.names).toEqual(['connectionMade', 'connectionLost'])
    expect(pair.flush()).toBe(0)
  })

  it('flush() gives up after maxSteps when the protocols never rest (ping-pong)', () => {
    class PingPong extends Log {
      override dataReceived(data: Uint8Array): void {
        this.t.write(data)
      }
    }
    const pair = createMemoryPair(
      () => new PingPong(),
      () => new PingPong(),
    )
    pair.client.transport.write(bytes('ping'))
    expect(() => pair.flush(50)).toThrow('the memory pair was still busy after 50 steps')
    pair.dispose()
    expect(pair.done).toBe(true)
  })

  it('refuses step() from inside a callback: the error is the callback’s, and it is contained', () => {
    const errors: Error[] = []
    const held: { pair?: MemoryPair<Log, Log> } = {}
    class Reentrant extends Log {
      override dataReceived(): void {
        held.pair?.step()
      }
    }
    const pair = createMemoryPair(
      () => new Log(),
      () => new Reentrant(),
      { onError: (error) => errors.push(error) },
    )
    held.pair = pair
    pair.client.transport.write(bytes('x'))
    pair.flush()
    expect(errors).toHaveLength(1)
    expect(errors[0]?.message).toMatch(/cannot be called from inside a protocol callback/)
    expect(pair.server.protocol.lostError).toBe(errors[0])
  })

  it('gives memory addresses, each side’s peername being the other’s sockname', () => {
    const pair = createMemoryPair(
      () => new Log(),
      () => new Log(),
    )
    const peer = pair.server.transport.getExtraInfo('peername')
    expect(peer).toEqual({
      address: 'memory',
      family: 'memory',
      port: expect.any(Number) as unknown,
    })
    expect(pair.client.transport.getExtraInfo('sockname')).toEqual(peer)
    expect(pair.client.transport.getExtraInfo('peername')).toEqual(
      pair.server.transport.getExtraInfo('sockname'),
    )
    expect(pair.server.transport.getExtraInfo('socket')).toBeUndefined()
    expect(pair.server.transport.getExtraInfo('socket', 'none')).toBe('none')
    pair.dispose()
  })

  it('refuses invalid options before making any protocol', () => {
    let made = 0
    const make = (): Log => {
      made += 1
      return new Log()
    }
    expect(() => createMemoryPair(make, make, { maxBytesPerStep: 0 })).toThrow(RangeError)
    expect(() => createMemoryPair(make, make, { resetAfterBytes: -1 })).toThrow(RangeError)
    expect(() => createMemoryPair(make, make, { rechunk: { seed: 1, maxChunkSize: 0 } })).toThrow(
      RangeError,
    )
    expect(() => createMemoryPair(make, make, { writeBufferLimits: { high: 1, low: 2 } })).toThrow(
      RangeError,
    )
    expect(() => createMemoryPair(make, make, { autoPump: 'yes' as never })).toThrow(TypeError)
    expect(made).toBe(0)
  })
})

describe('memory pair: auto-pump', () => {
  it('delivers on setImmediate without any step() call', async () => {
    const pair = createMemoryPair(
      () => new Log(),
      () => new Log(),
      { autoPump: true },
    )
    pair.client.transport.write(bytes('auto'))
    pair.client.transport.close()
    expect(pair.server.protocol.received).toBe('')
    await new Promise((resolve) => setImmediate(resolve))
    await expect.poll(() => pair.done).toBe(true)
    expect(pair.server.protocol.received).toBe('auto')
  })
})
