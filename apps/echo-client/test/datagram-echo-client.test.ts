import { Logger, type LogSink } from '@wirekit/app-support'
import { DatagramProtocol, type TransportAddress } from '@wirekit/protocol-core'
import { createMemoryDatagramPair, type MemoryDatagramPairOptions } from '@wirekit/transport-memory'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DatagramEchoClient, type DatagramExchangeFailure } from '../src/datagram-echo-client.ts'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** An echo server that answers what `answer` makes of each datagram (nothing: drops it). */
class Server extends DatagramProtocol {
  received = 0
  readonly #answer: (data: Uint8Array, count: number) => Uint8Array[]

  constructor(answer: (data: Uint8Array, count: number) => Uint8Array[] = (data) => [data]) {
    super()
    this.#answer = answer
  }

  override datagramReceived(data: Uint8Array, address: TransportAddress): void {
    this.received += 1
    for (const reply of this.#answer(data, this.received)) {
      this.transport?.sendto(reply, address)
    }
  }
}

interface Run {
  readonly failure: DatagramExchangeFailure
  readonly lines: readonly string[]
  readonly server: Server
  readonly port: number
}

/**
 * Runs a client over a memory datagram pair, delivering everything and then letting the wait
 * run out, until the exchange is over (bounded: 1,000 rounds).
 */
async function exchange(
  messages: readonly string[],
  server: Server,
  options: MemoryDatagramPairOptions & { retries?: number } = {},
): Promise<Run> {
  const lines: string[] = []
  const sink: LogSink = { level: 'debug', write: (line) => lines.push(line.trimEnd()) }
  const client = new DatagramEchoClient(new Logger('EchoClient', sink), {
    messages: messages.map((message) => encoder.encode(message)),
    waitMs: 500,
    retries: options.retries ?? 2,
  })
  let ended: { failure: DatagramExchangeFailure } | undefined
  void client.done.then((failure) => {
    ended = { failure }
  })
  const pair = createMemoryDatagramPair(
    () => client,
    () => server,
    options,
  )
  const port = pair.server.transport.getExtraInfo('sockname')?.port ?? 0
  for (let round = 0; round < 1000 && ended === undefined; round++) {
    pair.flush()
    await vi.advanceTimersByTimeAsync(500)
  }
  pair.flush()
  expect(pair.client.transport.isClosing()).toBe(true)
  pair.dispose()
  if (ended === undefined) {
    throw new Error('the exchange did not end in 1,000 rounds')
  }
  return { failure: ended.failure, lines, server, port }
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('DatagramEchoClient over a memory datagram pair', () => {
  it('sends each message as one datagram and waits for its echo before the next', async () => {
    const { failure, lines, port } = await exchange(['one', '', 'three'], new Server())
    expect(failure).toBeUndefined()
    expect(lines).toEqual([
      `EchoClient: connecting to memory port ${port}`,
      "EchoClient: sending b'one'",
      "EchoClient: received b'one'",
      "EchoClient: sending b''",
      "EchoClient: received b''",
      "EchoClient: sending b'three'",
      "EchoClient: received b'three'",
    ])
  })

  it('sends a datagram again when its echo does not come in time', async () => {
    // The server loses the first two datagrams it receives.
    const server = new Server((data, count) => (count <= 2 ? [] : [data]))
    const { failure, lines } = await exchange(['lost twice', 'next'], server)
    expect(failure).toBeUndefined()
    expect(server.received).toBe(4)
    expect(lines.slice(1, 5)).toEqual([
      "EchoClient: sending b'lost twice'",
      'EchoClient: no echo after 0.5 s: sending again (try 2 of 3)',
      'EchoClient: no echo after 0.5 s: sending again (try 3 of 3)',
      "EchoClient: received b'lost twice'",
    ])
  })

  it('gives up after --retries resends', async () => {
    const server = new Server(() => [])
    const { failure } = await exchange(['one', 'two'], server, { retries: 1 })
    expect(failure).toBe('no echo of message 1 of 2 after 2 tries, 0.5 s each')
    expect(server.received).toBe(2)
  })

  it('ignores a late or duplicated echo of an earlier message', async () => {
    const server = new Server((data) => [data, data])
    const { failure, lines } = await exchange(['one', 'two'], server)
    expect(failure).toBeUndefined()
    expect(lines).toContain('EchoClient: a late or duplicated echo of an earlier message: ignored')
  })

  it('fails on an echo that differs from what was sent', async () => {
    const server = new Server((data) => [encoder.encode(decoder.decode(data).toUpperCase())])
    const { failure } = await exchange(['one', 'two'], server)
    expect(failure).toBe('echo mismatch: message 1 of 2 came back different')
  })

  it('fails at once when nothing listens (ICMP port unreachable: ECONNREFUSED)', async () => {
    const lines: string[] = []
    const sink: LogSink = { level: 'debug', write: (line) => lines.push(line) }
    const client = new DatagramEchoClient(new Logger('EchoClient', sink), {
      messages: [encoder.encode('anyone?')],
      waitMs: 500,
      retries: 2,
    })
    const pair = createMemoryDatagramPair(
      () => client,
      () => new Server(),
    )
    const port = pair.server.transport.getExtraInfo('sockname')?.port ?? 0
    pair.server.transport.close()
    pair.flush()
    expect(await client.done).toBe(
      `no UDP server at memory port ${port}: connection refused (ECONNREFUSED)`,
    )
    pair.dispose()
  })

  it('fails at once on a message too large for one datagram (EMSGSIZE)', async () => {
    const { failure } = await exchange(['small', 'x'.repeat(20)], new Server(), {
      maxDatagramSize: 10,
    })
    expect(failure).toBe('message 2 of 2 (20 bytes) is too large for one datagram (EMSGSIZE)')
  })

  it('gets every echo through seeded loss, duplication and reordering, with enough retries', async () => {
    const messages = Array.from({ length: 5 }, (_, i) => `message ${i}`)
    let resent = 0
    for (let seed = 1; seed <= 20; seed++) {
      const server = new Server()
      const { failure } = await exchange(messages, server, {
        retries: 10,
        faults: { seed, loss: 0.2, duplicate: 0.2, reorder: 0.2 },
      })
      expect(failure, `seed ${seed}`).toBeUndefined()
      expect(server.received).toBeGreaterThanOrEqual(messages.length)
      resent += server.received - messages.length
    }
    // The faults did happen: datagrams were lost and sent again.
    expect(resent).toBeGreaterThan(10)
  })
})
