import { describe, expect, it } from 'vitest'
import { isDatagramTransport } from '@wirekit/protocol-core'
import { createMemoryDatagramPair, type MemoryDatagramPairOptions } from '../src/index.ts'
import { DatagramLog, numbered } from './datagram-recorder.ts'

function open(options: MemoryDatagramPairOptions = {}) {
  return createMemoryDatagramPair(
    () => new DatagramLog(),
    () => new DatagramLog(),
    options,
  )
}

/** Sends datagrams numbered 0 to count - 1 from the client, then carries them all. */
function sendNumbered(pair: ReturnType<typeof open>, count: number): number[] {
  for (let n = 0; n < count; n += 1) {
    pair.client.transport.sendto(numbered(n))
  }
  pair.flush()
  return pair.server.protocol.numbers
}

const ALL = (count: number): number[] => Array.from({ length: count }, (_, n) => n)

describe('memory datagram pair: the pump', () => {
  it('calls the server’s connectionMade, then the client’s, and delivers only when stepped', () => {
    const order: string[] = []
    const pair = createMemoryDatagramPair(
      () => {
        order.push('client factory')
        return new DatagramLog()
      },
      () => {
        order.push('server factory')
        return new DatagramLog()
      },
    )
    expect(order).toEqual(['server factory', 'client factory'])
    expect(isDatagramTransport(pair.client.transport)).toBe(true)
    pair.client.transport.sendto(numbered(1))
    expect(pair.server.protocol.datagrams).toEqual([])
    expect(pair.step()).toBe(true)
    expect(pair.server.protocol.numbers).toEqual([1])
    expect(pair.step()).toBe(false)
    expect(pair.stats).toMatchObject({ sent: 1, delivered: 1, lost: 0 })
  })

  it('gives each endpoint a unique memory address; the client is connected to the server', () => {
    const pair = open()
    const other = open({ connected: false })
    const addresses = [pair, other].flatMap((p) => [
      p.client.transport.getExtraInfo('sockname'),
      p.server.transport.getExtraInfo('sockname'),
    ])
    expect(new Set(addresses.map((a) => a?.port)).size).toBe(4)
    expect(addresses[0]).toMatchObject({ address: 'memory', family: 'memory' })
    expect(pair.client.transport.getExtraInfo('peername')).toEqual(addresses[1])
    expect(other.client.transport.getExtraInfo('peername')).toBeUndefined()
    expect(pair.client.transport.getExtraInfo('socket')).toBeUndefined()
  })

  it('refuses step() and flush() from inside a callback', () => {
    const pair = open()
    let thrown: unknown
    pair.server.protocol.datagramReceived = () => {
      try {
        pair.step()
      } catch (error) {
        thrown = error
      }
    }
    pair.client.transport.sendto(numbered(1))
    pair.flush()
    expect(thrown).toEqual(
      new Error('step() and flush() cannot be called from inside a protocol callback'),
    )
  })

  it('flush() gives up on endpoints that keep each other busy', () => {
    const pair = open()
    for (const side of [pair.client, pair.server]) {
      side.protocol.datagramReceived = (data, address) => {
        side.transport.sendto(data, address)
      }
    }
    pair.client.transport.sendto(numbered(1))
    expect(() => pair.flush(50)).toThrow('the memory datagram pair was still busy after 50 steps')
    pair.dispose()
  })

  it('in auto-pump mode delivers on its own, in the same order', async () => {
    const pair = open({ autoPump: true })
    pair.client.transport.sendto(numbered(1))
    pair.client.transport.sendto(numbered(2))
    await new Promise<void>((resolve) => {
      pair.server.protocol.datagramReceived = (data) => {
        pair.server.protocol.datagrams.push(data)
        if (pair.server.protocol.datagrams.length === 2) {
          resolve()
        }
      }
    })
    expect(pair.server.protocol.numbers).toEqual([1, 2])
    pair.dispose()
    expect(pair.done).toBe(true)
  })

  it('abort() drops the datagrams still queued; close() delivers them first', () => {
    const aborted = open()
    aborted.client.transport.sendto(numbered(1))
    aborted.client.transport.abort()
    aborted.flush()
    expect(aborted.server.protocol.datagrams).toEqual([])
    expect(aborted.client.protocol.names).toEqual(['connectionMade', 'connectionLost'])

    const closed = open({ maxDatagramsPerStep: 1 })
    for (let n = 0; n < 3; n += 1) {
      closed.client.transport.sendto(numbered(n))
    }
    closed.client.transport.close()
    closed.step()
    expect(closed.client.protocol.names).toEqual(['connectionMade'])
    closed.flush()
    expect(closed.server.protocol.numbers).toEqual([0, 1, 2])
    expect(closed.client.protocol.names).toEqual(['connectionMade', 'connectionLost'])
  })

  it('dispose() ends both endpoints', () => {
    const pair = open()
    pair.dispose()
    expect(pair.done).toBe(true)
    expect(pair.server.protocol.names).toEqual(['connectionMade', 'connectionLost'])
  })
})

describe('memory datagram pair: a network', () => {
  it('a slow link carries maxDatagramsPerStep a step: the sender pauses and resumes at its marks', () => {
    const pair = open({
      maxDatagramsPerStep: 2,
      client: { writeBufferLimits: { high: 40, low: 18 } },
    })
    for (let n = 0; n < 5; n += 1) {
      pair.client.transport.sendto(numbered(n)) // 9 bytes each
    }
    expect(pair.client.protocol.names).toEqual(['connectionMade', 'pauseWriting'])
    pair.step()
    expect(pair.client.transport.getWriteBufferSize()).toBe(27)
    expect(pair.client.protocol.names).not.toContain('resumeWriting')
    pair.step()
    expect(pair.client.transport.getWriteBufferSize()).toBe(9)
    expect(pair.client.protocol.names).toEqual(['connectionMade', 'pauseWriting', 'resumeWriting'])
    pair.flush()
    expect(pair.server.protocol.numbers).toEqual([0, 1, 2, 3, 4])
  })

  it('fails a datagram over maxDatagramSize with EMSGSIZE at the next step, never in sendto()', () => {
    const pair = open({ maxDatagramSize: 1472 })
    pair.client.transport.sendto(numbered(1, 1473))
    pair.client.transport.sendto(numbered(2, 1472))
    expect(pair.client.protocol.errors).toEqual([])
    pair.flush()
    expect(pair.client.protocol.errors).toHaveLength(1)
    expect(pair.client.protocol.errors[0]).toMatchObject({ code: 'EMSGSIZE' })
    expect(pair.server.protocol.numbers).toEqual([2])
    expect(pair.client.transport.isClosing()).toBe(false)
    expect(pair.stats.tooLarge).toBe(1)
  })

  it('carries up to 65507 bytes by default, the most UDP over IPv4 can', () => {
    const pair = open()
    pair.client.transport.sendto(numbered(1, 65507))
    pair.client.transport.sendto(numbered(2, 65508))
    pair.flush()
    expect(pair.server.protocol.datagrams.map((d) => d.byteLength)).toEqual([65507])
    expect(pair.client.protocol.errors[0]).toMatchObject({ code: 'EMSGSIZE' })
  })

  it('a closed server: the connected client gets ECONNREFUSED, an unconnected one hears nothing', () => {
    for (const connected of [true, false]) {
      const pair = open({ connected })
      const server = pair.server.transport.getExtraInfo('sockname')
      pair.server.transport.close()
      pair.flush()
      pair.client.transport.sendto(numbered(1), server)
      pair.flush()
      expect(pair.client.protocol.errors.map((e) => (e as { code?: string }).code)).toEqual(
        connected ? ['ECONNREFUSED'] : [],
      )
      expect(pair.client.transport.isClosing()).toBe(false)
      expect(pair.stats.unreachable).toBe(1)
    }
  })

  it('drops datagrams to an address no endpoint has, silently', () => {
    const pair = open({ connected: false })
    pair.client.transport.sendto(numbered(1), { address: 'memory', port: 1 })
    pair.client.transport.sendto(numbered(2), { address: 'elsewhere', port: 9 })
    pair.flush()
    expect(pair.client.protocol.errors).toEqual([])
    expect(pair.server.protocol.datagrams).toEqual([])
    expect(pair.stats).toMatchObject({ sent: 2, unreachable: 2 })
  })

  it('the server answers whoever sent, at the address it was given', () => {
    const pair = open({ connected: false })
    pair.server.protocol.datagramReceived = (data, address) => {
      pair.server.transport.sendto(data, address)
    }
    pair.client.transport.sendto(numbered(7), pair.server.transport.getExtraInfo('sockname'))
    pair.flush()
    expect(pair.client.protocol.numbers).toEqual([7])
    expect(pair.client.protocol.senders).toEqual([pair.server.transport.getExtraInfo('sockname')])
  })
})

describe('memory datagram pair: seeded faults', () => {
  it('loses about the share asked for, the same datagrams for the same seed', () => {
    const run = (seed: number): number[] => sendNumbered(open({ faults: { seed, loss: 0.3 } }), 200)
    const received = run(11)
    expect(received).toEqual(run(11))
    expect(received).not.toEqual(run(12))
    expect(received.length).toBeGreaterThan(100)
    expect(received.length).toBeLessThan(180)
    // Lost, never reordered or repeated.
    expect([...received].sort((a, b) => a - b)).toEqual(received)
    expect(new Set(received).size).toBe(received.length)
  })

  it('reorders: a held-back datagram comes one step late, after later ones, and nothing is lost', () => {
    const pair = open({ faults: { seed: 5, reorder: 0.25 } })
    const received = sendNumbered(pair, 100)
    expect(received).not.toEqual(ALL(100))
    expect([...received].sort((a, b) => a - b)).toEqual(ALL(100))
    expect(pair.stats.reordered).toBeGreaterThan(0)
    // All sent in one step: each held-back datagram arrives after every one sent with it.
    const late = received.slice(100 - pair.stats.reordered)
    expect(late).toEqual([...late].sort((a, b) => a - b))
  })

  it('duplicates: some datagrams come twice, back to back, and all come', () => {
    const pair = open({ faults: { seed: 9, duplicate: 0.2 } })
    const received = sendNumbered(pair, 100)
    expect(received.length).toBe(100 + pair.stats.duplicated)
    expect(pair.stats.duplicated).toBeGreaterThan(0)
    expect([...new Set(received)]).toEqual(ALL(100))
    // Each copy is its own array: the protocol may change one without changing the other.
    const datagrams = pair.server.protocol.datagrams
    const twice = datagrams.findIndex((d, i) => i > 0 && d[0] === datagrams[i - 1]?.[0])
    expect(datagrams[twice]).not.toBe(datagrams[twice - 1])
  })

  it('combines the faults reproducibly', () => {
    const run = (): number[] =>
      sendNumbered(open({ faults: { seed: 3, loss: 0.1, reorder: 0.1, duplicate: 0.1 } }), 200)
    expect(run()).toEqual(run())
  })
})

describe('memory datagram pair: options', () => {
  it.each([
    [{ connected: 'yes' }, TypeError, /option connected must be a boolean/],
    [{ maxDatagramSize: 0 }, RangeError, /option maxDatagramSize must be an integer >= 1/],
    [{ maxDatagramsPerStep: 1.5 }, RangeError, /option maxDatagramsPerStep/],
    [{ faults: { loss: 0.1 } }, TypeError, /option faults.seed must be an integer/],
    [{ faults: { seed: 1, loss: 1.5 } }, RangeError, /option faults.loss must be from 0 to 1/],
    [{ faults: { seed: 1, reorder: NaN } }, RangeError, /option faults.reorder/],
    [{ faults: { seed: 1, duplicate: '1' } }, TypeError, /option faults.duplicate/],
    [{ autoPump: 1 }, TypeError, /option autoPump must be a boolean/],
    [{ client: { writeBufferLimits: { high: 1, low: 2 } } }, RangeError, /high >= low/],
    [{ onError: 'print' }, TypeError, /option onError must be a function/],
  ])('refuses %j', (options, kind, message) => {
    expect(() => open(options as MemoryDatagramPairOptions)).toThrow(kind)
    expect(() => open(options as MemoryDatagramPairOptions)).toThrow(message)
  })

  it('takes per-endpoint options over shared ones', () => {
    const pair = open({
      writeBufferLimits: { high: 100 },
      server: { writeBufferLimits: { high: 10 } },
    })
    expect(pair.client.transport.getWriteBufferLimits().high).toBe(100)
    expect(pair.server.transport.getWriteBufferLimits().high).toBe(10)
  })
})
