import { Logger, type LogLevel, type LogSink } from '@wirekit/app-support'
import { DatagramProtocol, type TransportAddress } from '@wirekit/protocol-core'
import { createMemoryDatagramPair } from '@wirekit/transport-memory'
import { describe, expect, it } from 'vitest'
import { DatagramEchoServer } from '../src/datagram-echo-protocol.ts'

/** A sink that keeps the lines. */
function memorySink(level: LogLevel = 'debug'): LogSink & { lines: string[] } {
  const lines: string[] = []
  return { level, lines, write: (line) => lines.push(line.trimEnd()) }
}

/** Sends the datagrams it is given once connected, and keeps what comes back. */
class Sender extends DatagramProtocol {
  readonly received: string[] = []
  readonly #datagrams: readonly string[]

  constructor(datagrams: readonly string[]) {
    super()
    this.#datagrams = datagrams
  }

  override connectionMade(transport: NonNullable<DatagramProtocol['transport']>): void {
    super.connectionMade(transport)
    for (const datagram of this.#datagrams) {
      transport.sendto(new TextEncoder().encode(datagram))
    }
  }

  override datagramReceived(data: Uint8Array, _address: TransportAddress): void {
    this.received.push(new TextDecoder().decode(data))
  }
}

describe('DatagramEchoServer over a memory datagram pair', () => {
  it("echoes every datagram whole, in order, with the seed's lines under the sender's name", () => {
    const sink = memorySink()
    const pair = createMemoryDatagramPair(
      () => new Sender(['one', '', 'three']),
      () => new DatagramEchoServer(sink, new Logger('main', sink)),
    )
    pair.flush()
    expect(pair.client.protocol.received).toEqual(['one', '', 'three'])
    const port = pair.client.transport.getExtraInfo('sockname')?.port ?? 0
    const name = `EchoServer_memory_${port}`
    expect(sink.lines).toEqual([
      `${name}: received b'one'`,
      `${name}: sent b'one'`,
      `${name}: received b''`,
      `${name}: sent b''`,
      `${name}: received b'three'`,
      `${name}: sent b'three'`,
    ])
    pair.dispose()
  })

  it('logs nothing per datagram above debug level, and still echoes', () => {
    const sink = memorySink('info')
    const pair = createMemoryDatagramPair(
      () => new Sender(['quiet']),
      () => new DatagramEchoServer(sink, new Logger('main', sink)),
    )
    pair.flush()
    expect(pair.client.protocol.received).toEqual(['quiet'])
    expect(sink.lines).toEqual([])
    pair.dispose()
  })

  it('drops datagrams while its send queue is above the high-water mark, and says how many', () => {
    const sink = memorySink('warn')
    const datagrams = Array.from({ length: 50 }, (_, i) => `datagram ${i}`)
    const pair = createMemoryDatagramPair(
      () => new Sender(datagrams),
      () => new DatagramEchoServer(sink, new Logger('main', sink)),
      // Two datagrams a step, and a high-water mark below one datagram: the first echo pauses
      // the server until the link has carried it, and the second datagram arrives meanwhile.
      { maxDatagramsPerStep: 2, server: { writeBufferLimits: { high: 4, low: 0 } } },
    )
    pair.flush()
    const echoed = pair.client.protocol.received
    expect(echoed).toEqual(datagrams.filter((_, i) => i % 2 === 0))
    // Reported at the first resume, then held back (at most one line per 10 s) until the close.
    expect(sink.lines).toEqual(['main: dropped 1 datagram while the send queue was full'])
    pair.server.transport.close()
    pair.flush()
    expect(sink.lines).toEqual([
      'main: dropped 1 datagram while the send queue was full',
      `main: dropped ${datagrams.length - echoed.length - 1} datagrams while the send queue was full`,
    ])
    pair.dispose()
  })

  it('resolves closed once the endpoint is closed, and logs an error received', async () => {
    const sink = memorySink()
    const pair = createMemoryDatagramPair(
      () => new Sender([]),
      () => new DatagramEchoServer(sink, new Logger('main', sink)),
    )
    pair.server.protocol.errorReceived(
      Object.assign(new Error('send EMSGSIZE'), { code: 'EMSGSIZE' }),
    )
    expect(sink.lines).toEqual(['main: ERROR: send EMSGSIZE'])
    pair.server.transport.close()
    pair.flush()
    await pair.server.protocol.closed
  })
})
