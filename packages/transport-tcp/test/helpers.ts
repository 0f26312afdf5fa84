import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { connect, type Socket } from 'node:net'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { Protocol, type AnyProtocol, type Transport } from '@wirekit/protocol-core'
import { createServer, type TCPServer, type TCPServerOptions } from '../src/index.ts'

/** One callback as a protocol saw it. */
export type Event =
  | { readonly name: 'connectionMade' }
  | { readonly name: 'dataReceived'; readonly data: Buffer }
  | { readonly name: 'eofReceived' }
  | { readonly name: 'connectionLost'; readonly error: Error | undefined }
  | { readonly name: 'pauseWriting' }
  | { readonly name: 'resumeWriting' }

/** A protocol that records its callbacks and lets a test await them. */
export class Recorder extends Protocol {
  readonly events: Event[] = []
  keepOpenOnEof = false
  readonly #waiters: { test: () => boolean; resolve: () => void }[] = []

  get received(): Buffer {
    return Buffer.concat(
      this.events.flatMap((event) => (event.name === 'dataReceived' ? [event.data] : [])),
    )
  }

  get names(): string[] {
    return this.events.map((event) => event.name)
  }

  get lostError(): Error | undefined {
    const lost = this.events.find((event) => event.name === 'connectionLost')
    return lost?.name === 'connectionLost' ? lost.error : undefined
  }

  override connectionMade(transport: Transport): void {
    super.connectionMade(transport)
    this.record({ name: 'connectionMade' })
  }

  override dataReceived(data: Uint8Array): void {
    this.record({ name: 'dataReceived', data: Buffer.from(data) })
  }

  override eofReceived(): boolean {
    this.record({ name: 'eofReceived' })
    return this.keepOpenOnEof
  }

  override connectionLost(error: Error | undefined): void {
    this.record({ name: 'connectionLost', error })
  }

  override pauseWriting(): void {
    this.record({ name: 'pauseWriting' })
  }

  override resumeWriting(): void {
    this.record({ name: 'resumeWriting' })
  }

  /** Resolves once `test` holds, checked after every callback. */
  until(test: () => boolean): Promise<void> {
    if (test()) {
      return Promise.resolve()
    }
    return new Promise((resolve) => this.#waiters.push({ test, resolve }))
  }

  /** Resolves once a callback of this name has been called. */
  waitFor(name: Event['name']): Promise<void> {
    return this.until(() => this.names.includes(name))
  }

  /** Resolves once at least `size` bytes have been received. */
  waitForBytes(size: number): Promise<void> {
    return this.until(() => this.received.length >= size)
  }

  protected record(event: Event): void {
    this.events.push(event)
    for (const waiter of [...this.#waiters]) {
      if (waiter.test()) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1)
        waiter.resolve()
      }
    }
  }
}

/** A raw `node:net` client connected to the server's first address. */
export async function rawClient(server: TCPServer): Promise<Socket> {
  const [address] = server.addresses()
  if (address === undefined) {
    throw new Error('the server listens nowhere')
  }
  const socket = connect({ host: address.address, port: address.port, allowHalfOpen: true })
  await once(socket, 'connect')
  return socket
}

/** Reads a raw socket to its end (EOF), leaving its write side as it is. */
export function readAll(socket: Socket): Promise<Buffer> {
  const chunks: Buffer[] = []
  return new Promise((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.once('end', () => {
      resolve(Buffer.concat(chunks))
    })
    socket.once('error', reject)
    socket.resume()
  })
}

/** Resolves when the peer ends or resets the connection (whichever comes first). */
export function ended(socket: Socket): Promise<void> {
  if (socket.readableEnded || socket.destroyed) {
    return Promise.resolve()
  }
  return new Promise((resolve) => {
    socket.once('end', resolve)
    socket.once('close', resolve)
    socket.once('error', () => {
      resolve()
    })
    socket.resume()
  })
}

/** The port of the server's first address. */
export function portOf(server: TCPServer): number {
  const [address] = server.addresses()
  if (address === undefined) {
    throw new Error('the server listens nowhere')
  }
  return address.port
}

/** Closes whatever a test opened, in reverse order. */
export class Cleanup {
  readonly #steps: (() => unknown)[] = []

  add<TValue>(value: TValue, step: (value: TValue) => unknown): TValue {
    this.#steps.push(() => step(value))
    return value
  }

  async run(): Promise<void> {
    for (const step of this.#steps.splice(0).reverse()) {
      await step()
    }
  }
}

/**
 * A server on 127.0.0.1, port 0, whose connections get their protocols from `make`; `protocols`
 * lists them in the order they were made. `cleanup` closes the server and aborts its clients.
 */
export async function serveCollecting<TProtocol extends AnyProtocol>(
  cleanup: Cleanup,
  make: () => TProtocol,
  options: TCPServerOptions = {},
): Promise<{ server: TCPServer; protocols: TProtocol[] }> {
  const protocols: TProtocol[] = []
  const server = await createServer(
    () => {
      const protocol = make()
      protocols.push(protocol)
      return protocol
    },
    { host: '127.0.0.1', port: 0, ...options },
  )
  cleanup.add(server, async (s) => {
    s.close()
    s.abortClients()
    await s.waitClosed()
  })
  return { server, protocols }
}

/** The path of a file in `test/fixtures`. */
export const fixture = (name: string): string =>
  fileURLToPath(new URL(`fixtures/${name}`, import.meta.url))

/**
 * Starts the echo fixture in a child process (with `preload` flags, and the read and write paths
 * left to detection), echoes through it, and returns the echo and the child's stderr lines.
 */
export async function echoThroughChild(
  cleanup: Cleanup,
  preload: string[],
): Promise<{ echoed: string; stderr: string[] }> {
  const env = { ...process.env }
  delete env.WIREKIT_TCP_READS
  delete env.WIREKIT_TCP_WRITES
  const child = spawn(process.execPath, [...preload, fixture('echo-server.mjs')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  cleanup.add(child, (c) => c.kill('SIGKILL'))
  const stderr: string[] = []
  createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line))
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string]
  const socket = connect({ host: '127.0.0.1', port: Number(line) })
  socket.end('through the fallback')
  const echoed = (await readAll(socket)).toString()
  child.kill('SIGTERM')
  await once(child, 'exit')
  return { echoed, stderr }
}
