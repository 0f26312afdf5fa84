import { createHash } from 'node:crypto'
import type { Socket } from 'node:net'
import type { StreamProtocolCallbacks, Transport, WriteBufferLimits } from '@wirekit/protocol-core'
import { createMemoryPair } from '@wirekit/transport-memory'
import { createConnection, createServer, type TCPServer } from '@wirekit/transport-tcp'
import {
  openConnection,
  startServer,
  type StreamReader,
  type StreamReaderProtocol,
  type StreamWriter,
} from '../src/index.ts'

export const encoder = new TextEncoder()
export const decoder = new TextDecoder()

/** UTF-8 bytes of a string. */
export function bytes(text: string): Uint8Array {
  return encoder.encode(text)
}

/** The string of UTF-8 bytes. */
export function text(data: Uint8Array): string {
  return decoder.decode(data)
}

/** `length` bytes of a pattern no two nearby windows share, to catch reordering and loss. */
export function pattern(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length)
  let state = seed >>> 0 || 1
  for (let i = 0; i < length; i++) {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    out[i] = state & 0xff
  }
  return out
}

/**
 * Sits between a transport and a stream protocol, passing every callback on and recording what
 * happened, so tests can await deliveries instead of sleeping.
 */
export class Tap implements StreamProtocolCallbacks {
  readonly inner: StreamReaderProtocol
  /** Flow-control and end events, in order. */
  readonly events: string[] = []
  received = 0
  readonly #waiters: { bytes: number; resolve: () => void }[] = []
  readonly #eventWaiters: { name: string; resolve: () => void }[] = []
  readonly lost: Promise<Error | undefined>
  #resolveLost!: (error: Error | undefined) => void

  constructor(inner: StreamReaderProtocol) {
    this.inner = inner
    this.lost = new Promise((resolve) => {
      this.#resolveLost = resolve
    })
  }

  connectionMade(transport: Transport): void {
    this.inner.connectionMade(transport)
  }

  dataReceived(data: Uint8Array): void {
    this.inner.dataReceived(data)
    this.received += data.length
    for (const waiter of [...this.#waiters]) {
      if (this.received >= waiter.bytes) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1)
        waiter.resolve()
      }
    }
  }

  eofReceived(): boolean {
    this.#record('eofReceived')
    return this.inner.eofReceived()
  }

  connectionLost(error: Error | undefined): void {
    this.#record('connectionLost')
    this.inner.connectionLost(error)
    this.#resolveLost(error)
  }

  pauseWriting(): void {
    this.#record('pauseWriting')
    this.inner.pauseWriting()
  }

  resumeWriting(): void {
    this.#record('resumeWriting')
    this.inner.resumeWriting()
  }

  /** Resolves once `name` is in {@link Tap.events} (at once when it already is). */
  whenEvent(name: string): Promise<void> {
    if (this.events.includes(name)) {
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      this.#eventWaiters.push({ name, resolve })
    })
  }

  #record(name: string): void {
    this.events.push(name)
    for (const waiter of [...this.#eventWaiters]) {
      if (waiter.name === name) {
        this.#eventWaiters.splice(this.#eventWaiters.indexOf(waiter), 1)
        waiter.resolve()
      }
    }
  }

  /** Resolves once `count` bytes in all have been received. */
  whenReceived(count: number): Promise<void> {
    if (this.received >= count) {
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      this.#waiters.push({ bytes: count, resolve })
    })
  }
}

/** One side of a test connection. */
export interface Side {
  readonly reader: StreamReader
  readonly writer: StreamWriter
  readonly transport: Transport
  readonly tap: Tap
}

/** A connection made for a test: both sides, and how to tear it down. */
export interface TestConnection {
  readonly client: Side
  readonly server: Side
}

/** What a test may ask of a connection. */
export interface ConnectOptions {
  /** The readers' buffer limit (both sides). */
  limit?: number
  /** The transports' water marks (both sides). */
  writeBufferLimits?: Partial<WriteBufferLimits>
}

/** Makes connections over one transport. */
export interface Harness {
  readonly name: string
  connect(options?: ConnectOptions): Promise<TestConnection>
}

export function side(reader: StreamReader, writer: StreamWriter): Side {
  const transport = writer.transport
  return { reader, writer, transport, tap: transport.getProtocol() as Tap }
}

const openServers = new Set<TCPServer>()
const openTransports = new Set<Transport>()
const cleanups: (() => void)[] = []

/** Aborts every connection and closes every server the harnesses made (for `afterEach`). */
export async function closeAll(): Promise<void> {
  for (const transport of openTransports) {
    transport.abort()
  }
  openTransports.clear()
  for (const cleanup of cleanups.splice(0)) {
    cleanup()
  }
  const servers = [...openServers]
  openServers.clear()
  for (const server of servers) {
    server.close()
    server.abortClients()
  }
  await Promise.all(servers.map((server) => server.waitClosed()))
}

/** Starts a TCP stream server on 127.0.0.1, port 0, closed by {@link closeAll}. */
export async function listenTCP(
  handler: (reader: StreamReader, writer: StreamWriter) => void | Promise<void>,
  options: ConnectOptions & { onError?: (error: unknown) => void } = {},
): Promise<{ server: TCPServer; port: number }> {
  const { writeBufferLimits, ...streamOptions } = options
  const server = await startServer(
    handler,
    (factory) =>
      createServer(() => new Tap(factory()), {
        host: '127.0.0.1',
        port: 0,
        ...(writeBufferLimits === undefined ? {} : { writeBufferLimits }),
      }),
    streamOptions,
  )
  openServers.add(server)
  const port = server.addresses()[0]?.port
  if (port === undefined) {
    throw new Error('the server listens nowhere')
  }
  return { server, port }
}

/** Opens a TCP stream connection to 127.0.0.1, aborted by {@link closeAll}. */
export async function connectTCP(port: number, options: ConnectOptions = {}): Promise<Side> {
  const { writeBufferLimits, ...streamOptions } = options
  const { reader, writer } = await openConnection(
    (factory) =>
      createConnection(() => new Tap(factory()), {
        host: '127.0.0.1',
        port,
        ...(writeBufferLimits === undefined ? {} : { writeBufferLimits }),
      }),
    streamOptions,
  )
  openTransports.add(writer.transport)
  return side(reader, writer)
}

/** Streams over real loopback TCP sockets. */
export const tcpHarness: Harness = {
  name: 'tcp',
  async connect(options = {}) {
    let accepted!: (side: Side) => void
    const serverSide = new Promise<Side>((resolve) => {
      accepted = resolve
    })
    const { port } = await listenTCP((reader, writer) => {
      accepted(side(reader, writer))
    }, options)
    const client = await connectTCP(port, options)
    const server = await serverSide
    openTransports.add(server.transport)
    return { client, server }
  },
}

/**
 * Streams over an auto-pumped memory pair: `startServer` and `openConnection` each hand over
 * their protocol factory, and the pair connects the two (the server's `connectionMade` first, so
 * the handler has run when `openConnection` resolves).
 */
export const memoryHarness: Harness = {
  name: 'memory',
  async connect(options = {}) {
    const { writeBufferLimits, ...streamOptions } = options
    let server: Side | undefined
    const serverFactory = await startServer(
      (reader, writer) => {
        server = side(reader, writer)
      },
      (factory) => factory,
      streamOptions,
    )
    const { reader, writer } = await openConnection((clientFactory) => {
      const pair = createMemoryPair(
        () => new Tap(clientFactory()),
        () => new Tap(serverFactory()),
        { autoPump: true, ...(writeBufferLimits === undefined ? {} : { writeBufferLimits }) },
      )
      registerReset(pair.client.transport, () => {
        pair.reset()
      })
      registerReset(pair.server.transport, () => {
        pair.reset()
      })
      onCloseAll(() => {
        pair.dispose()
      })
      return pair.client
    }, streamOptions)
    if (server === undefined) {
      throw new Error('the memory pair did not call the server handler')
    }
    return { client: side(reader, writer), server }
  },
}

/** Every transport the stream tests run over. */
export const harnesses: readonly Harness[] = [tcpHarness, memoryHarness]

/** The SHA-256 of some bytes, in hex. */
export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}

const resets = new WeakMap<Transport, () => void>()

/** Tells {@link resetConnection} how to reset a connection of a transport without sockets. */
export function registerReset(transport: Transport, reset: () => void): void {
  resets.set(transport, reset)
}

/** Resets the connection under `side` (a TCP RST): the peer's transport is lost with ECONNRESET. */
export function resetConnection(side: Side): void {
  const reset = resets.get(side.transport)
  if (reset !== undefined) {
    reset()
    return
  }
  const socket = side.transport.getExtraInfo('socket') as Socket
  socket.resetAndDestroy()
}

/** Registers a clean-up for {@link closeAll} to run. */
export function onCloseAll(cleanup: () => void): void {
  cleanups.push(cleanup)
}

/** How a bounded `write(); await drain()` loop ended. */
export interface WriteLoopEnd {
  /** The iteration whose `drain()` rejected, or the cap when none did. */
  readonly iterations: number
  /** What `drain()` rejected with; `undefined` when the loop ran into its cap. */
  readonly error: unknown
}

/**
 * The loop of a streams handler that writes `chunk` as fast as flow control allows, capped at
 * `cap` iterations so that a `drain()` resolving at once forever ends the test instead of
 * spinning in microtasks for good. `before(i)`, if given, runs at the start of each iteration.
 */
export async function writeLoop(
  writer: StreamWriter,
  chunk: Uint8Array,
  cap: number,
  before?: (iteration: number) => void,
): Promise<WriteLoopEnd> {
  for (let iteration = 0; iteration < cap; iteration++) {
    before?.(iteration)
    writer.write(chunk)
    try {
      await writer.drain()
    } catch (error) {
      return { iterations: iteration, error }
    }
  }
  return { iterations: cap, error: undefined }
}
