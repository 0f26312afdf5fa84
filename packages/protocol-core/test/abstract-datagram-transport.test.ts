import { describe, expect, it } from 'vitest'
import {
  AbstractDatagramTransport,
  isDatagramTransport,
  isTransport,
  ProtocolCallbackError,
  type DatagramAddress,
  type DatagramProtocolCallbacks,
  type DatagramTransport,
  type DatagramTransportHooks,
  type TransportAddress,
} from '../src/index.ts'

interface Sent {
  readonly data: Uint8Array
  readonly address: DatagramAddress | undefined
  readonly done: (error?: Error) => void
}

/** A transport whose socket the test drives by hand. */
class FakeTransport extends AbstractDatagramTransport {
  readonly sent: Sent[] = []
  closeSocketCalls = 0

  protected sendDatagram(
    data: Uint8Array,
    address: DatagramAddress | undefined,
    done: (error?: Error) => void,
  ): void {
    this.sent.push({ data, address, done })
  }

  protected closeSocket(): void {
    this.closeSocketCalls += 1
  }

  arrive(data: Uint8Array, from: TransportAddress): void {
    this.receiveDatagram(data, from)
  }

  fail(error: Error): void {
    this.receiveError(error)
  }

  closed(): void {
    this.socketClosed()
  }
}

/** Records callbacks by name; a test may make any of them throw. */
class Recorder implements DatagramProtocolCallbacks {
  readonly events: string[] = []
  readonly datagrams: { data: Uint8Array; from: TransportAddress }[] = []
  readonly errors: Error[] = []
  lostWith: Error | undefined
  throwIn = new Set<string>()
  onMade: ((t: DatagramTransport) => void) | undefined
  onDatagram: (() => void) | undefined

  #record(name: string): void {
    this.events.push(name)
    if (this.throwIn.has(name)) {
      throw new Error(`${name} failed`)
    }
  }

  connectionMade(transport: DatagramTransport): void {
    this.#record('connectionMade')
    this.onMade?.(transport)
  }
  datagramReceived(data: Uint8Array, from: TransportAddress): void {
    this.datagrams.push({ data, from })
    this.#record('datagramReceived')
    this.onDatagram?.()
  }
  errorReceived(error: Error): void {
    this.errors.push(error)
    this.#record('errorReceived')
  }
  connectionLost(error: Error | undefined): void {
    this.lostWith = error
    this.#record('connectionLost')
  }
  pauseWriting(): void {
    this.#record('pauseWriting')
  }
  resumeWriting(): void {
    this.#record('resumeWriting')
  }
}

const local = { address: '127.0.0.1', family: 'IPv4', port: 4000 }
const peer = { address: '127.0.0.1', family: 'IPv4', port: 5000 }
const stranger = { address: '127.0.0.1', family: 'IPv4', port: 6000 }

function open(options: { connected?: boolean; hooks?: Partial<DatagramTransportHooks> } = {}): {
  transport: FakeTransport
  protocol: Recorder
  reported: Error[]
  warnings: string[]
} {
  const protocol = new Recorder()
  const reported: Error[] = []
  const warnings: string[] = []
  const transport = new FakeTransport(
    protocol,
    options.connected === true ? { sockname: local, peername: peer } : { sockname: local },
    {
      onError: (error) => reported.push(error),
      onWarning: (message) => warnings.push(message),
      ...options.hooks,
    },
  )
  transport.start()
  return { transport, protocol, reported, warnings }
}

describe('AbstractDatagramTransport', () => {
  it('is a branded datagram transport, not a stream one, and calls connectionMade on start', () => {
    const { transport, protocol } = open()
    expect(isDatagramTransport(transport)).toBe(true)
    expect(isTransport(transport)).toBe(false)
    expect(protocol.events).toEqual(['connectionMade'])
    expect(transport.isClosing()).toBe(false)
  })

  it('hands over a copy of each datagram and counts its bytes plus 8 until done', () => {
    const { transport } = open()
    const data = Uint8Array.of(1, 2, 3)
    transport.sendto(data, peer)
    data[0] = 9
    transport.sendto(new Uint8Array(0), stranger)
    expect(transport.sent.map((s) => [...s.data])).toEqual([[1, 2, 3], []])
    expect(transport.sent.map((s) => s.address)).toEqual([peer, stranger])
    expect(transport.getWriteBufferSize()).toBe(3 + 8 + 8)
    transport.sent[1]?.done()
    expect(transport.getWriteBufferSize()).toBe(11)
    transport.sent[0]?.done()
    expect(transport.getWriteBufferSize()).toBe(0)
  })

  it('pauses strictly above high and resumes at low, alternating', () => {
    const { transport, protocol } = open({ hooks: { writeBufferLimits: { high: 20, low: 9 } } })
    transport.sendto(new Uint8Array(12), peer) // 20: not above high
    expect(protocol.events).toEqual(['connectionMade'])
    transport.sendto(new Uint8Array(0), peer) // 28
    transport.sendto(new Uint8Array(0), peer) // 36
    expect(protocol.events).toEqual(['connectionMade', 'pauseWriting'])
    transport.sent[0]?.done() // 16
    transport.sent[1]?.done() // 8
    expect(protocol.events).toEqual(['connectionMade', 'pauseWriting', 'resumeWriting'])
    transport.sent[2]?.done()
    expect(protocol.events).toEqual(['connectionMade', 'pauseWriting', 'resumeWriting'])
  })

  it('reports a failed send through errorReceived and stays open', () => {
    const { transport, protocol } = open()
    transport.sendto(new Uint8Array(1), peer)
    const failure = Object.assign(new Error('too big'), { code: 'EMSGSIZE' })
    transport.sent[0]?.done(failure)
    expect(protocol.errors).toEqual([failure])
    expect(transport.isClosing()).toBe(false)
    expect(transport.getWriteBufferSize()).toBe(0)
  })

  it('a connected transport sends to its peer only, and receives from it only', () => {
    const { transport, protocol } = open({ connected: true })
    transport.sendto(Uint8Array.of(1))
    transport.sendto(Uint8Array.of(2), { address: peer.address, port: peer.port })
    expect(transport.sent.map((s) => s.address)).toEqual([undefined, undefined])
    expect(() => {
      transport.sendto(Uint8Array.of(3), stranger)
    }).toThrow(expect.objectContaining({ code: 'ERR_DATAGRAM_ADDRESS_MISMATCH' }) as Error)
    expect(transport.sent).toHaveLength(2)
    transport.arrive(Uint8Array.of(7), stranger)
    transport.arrive(Uint8Array.of(8), peer)
    expect(protocol.datagrams.map((d) => [...d.data])).toEqual([[8]])
    expect(transport.getExtraInfo('peername')).toBe(peer)
  })

  it('an unconnected transport needs an address, receives from anyone, and has no peername', () => {
    const { transport, protocol } = open()
    expect(() => {
      transport.sendto(Uint8Array.of(1))
    }).toThrow(expect.objectContaining({ code: 'ERR_DATAGRAM_ADDRESS_REQUIRED' }) as Error)
    transport.arrive(Uint8Array.of(7), stranger)
    transport.arrive(new Uint8Array(0), peer)
    expect(protocol.datagrams.map((d) => d.from)).toEqual([stranger, peer])
    expect(transport.getExtraInfo('peername')).toBeUndefined()
    expect(transport.getExtraInfo('peername', null)).toBeNull()
    expect(transport.getExtraInfo('sockname')).toBe(local)
    expect(transport.getExtraInfo('toString', 'none')).toBe('none')
  })

  it('close() stops receiving at once, flushes, then closes the socket; connectionLost(undefined) follows', () => {
    const { transport, protocol, warnings } = open()
    transport.sendto(Uint8Array.of(1), peer)
    transport.sendto(Uint8Array.of(2), peer)
    transport.close()
    transport.close()
    expect(transport.isClosing()).toBe(true)
    transport.arrive(Uint8Array.of(9), peer)
    expect(protocol.datagrams).toEqual([])
    for (let i = 0; i < 6; i += 1) {
      transport.sendto(Uint8Array.of(i), peer)
    }
    expect(transport.sent).toHaveLength(2)
    expect(warnings).toHaveLength(1)
    transport.sent[0]?.done(new Error('flush failed'))
    expect(protocol.errors.map((e) => e.message)).toEqual(['flush failed'])
    expect(transport.closeSocketCalls).toBe(0)
    transport.sent[1]?.done()
    expect(transport.closeSocketCalls).toBe(1)
    expect(protocol.events.at(-1)).toBe('errorReceived')
    transport.closed()
    transport.closed()
    expect(protocol.events).toEqual(['connectionMade', 'errorReceived', 'connectionLost'])
    expect(protocol.lostWith).toBeUndefined()
    expect(transport.getWriteBufferSize()).toBe(0)
  })

  it('abort() drops the queue: size 0, no resume, no late errors, one socket close', () => {
    const { transport, protocol } = open({ hooks: { writeBufferLimits: { high: 0, low: 0 } } })
    transport.sendto(Uint8Array.of(1), peer)
    expect(protocol.events).toEqual(['connectionMade', 'pauseWriting'])
    transport.close()
    transport.abort()
    transport.abort()
    expect(transport.getWriteBufferSize()).toBe(0)
    expect(transport.closeSocketCalls).toBe(1)
    transport.sent[0]?.done(new Error('cancelled'))
    transport.fail(new Error('late'))
    transport.closed()
    expect(protocol.events).toEqual(['connectionMade', 'pauseWriting', 'connectionLost'])
    expect(protocol.lostWith).toBeUndefined()
  })

  it('close() with nothing queued closes the socket at once, but connectionLost waits for it', () => {
    const { transport, protocol } = open()
    protocol.onDatagram = () => {
      transport.close()
    }
    transport.arrive(Uint8Array.of(1), peer)
    expect(transport.closeSocketCalls).toBe(1)
    expect(protocol.events).toEqual(['connectionMade', 'datagramReceived'])
    transport.closed()
    expect(protocol.events.at(-1)).toBe('connectionLost')
  })

  it.each(['connectionMade', 'datagramReceived', 'errorReceived'])(
    '%s that throws: reported once, aborted, connectionLost(that error)',
    (callback) => {
      const protocol = new Recorder()
      protocol.throwIn.add(callback)
      const reported: Error[] = []
      const transport = new FakeTransport(
        protocol,
        { sockname: local, peername: peer },
        { onError: (error) => reported.push(error), onWarning: () => undefined },
      )
      transport.start()
      transport.arrive(Uint8Array.of(1), peer)
      transport.fail(new Error('refused'))
      transport.arrive(Uint8Array.of(2), peer)
      expect(reported).toHaveLength(1)
      const error = reported[0] as ProtocolCallbackError
      expect(error).toBeInstanceOf(ProtocolCallbackError)
      expect(error.callback).toBe(callback)
      expect(error.peer).toBe('127.0.0.1 port 5000')
      expect(transport.closeSocketCalls).toBe(1)
      expect(transport.isClosing()).toBe(true)
      transport.closed()
      expect(protocol.lostWith).toBe(error)
      expect(protocol.events.filter((name) => name === callback)).toHaveLength(1)
    },
  )

  it('names the sender as the peer when datagramReceived throws on an unconnected transport', () => {
    const { transport, protocol, reported } = open()
    protocol.throwIn.add('datagramReceived')
    transport.arrive(Uint8Array.of(1), stranger)
    expect((reported[0] as ProtocolCallbackError).peer).toBe('127.0.0.1 port 6000')
  })

  it('pauseWriting, resumeWriting and connectionLost that throw are reported only', () => {
    const { transport, protocol, reported } = open()
    protocol.throwIn = new Set(['pauseWriting', 'resumeWriting', 'connectionLost'])
    transport.setWriteBufferLimits({ high: 0, low: 0 })
    transport.sendto(Uint8Array.of(1), peer)
    transport.sent[0]?.done()
    expect(transport.isClosing()).toBe(false)
    transport.close()
    transport.closed()
    expect(reported.map((e) => (e instanceof ProtocolCallbackError ? e.callback : e))).toEqual([
      'pauseWriting',
      'resumeWriting',
      'connectionLost',
    ])
    expect(protocol.lostWith).toBeUndefined()
  })

  it('setProtocol hands later callbacks to the new protocol', () => {
    const { transport, protocol } = open()
    const next = new Recorder()
    transport.setProtocol(next)
    expect(transport.getProtocol()).toBe(next)
    transport.arrive(Uint8Array.of(1), peer)
    expect(protocol.datagrams).toHaveLength(0)
    expect(next.datagrams).toHaveLength(1)
  })

  it('refuses bad water marks and keeps the old ones', () => {
    const { transport } = open()
    expect(transport.getWriteBufferLimits()).toEqual({ high: 65536, low: 16384 })
    expect(() => {
      transport.setWriteBufferLimits({ high: 1, low: 2 })
    }).toThrow(RangeError)
    expect(transport.getWriteBufferLimits()).toEqual({ high: 65536, low: 16384 })
  })
})
