#!/usr/bin/env node
/**
 * Echo: the smallest wirekit server and client, on loopback. The server sends back what it
 * receives and answers the client's EOF with its own; the client sends a message, half-closes,
 * and prints what came back once the server's EOF arrives.
 *
 *   node examples/dist/echo.js [MESSAGE]
 */
import { Protocol, type Transport } from '@wirekit/protocol-core'
import { createConnection, createServer } from '@wirekit/transport-tcp'

class EchoServer extends Protocol {
  override dataReceived(data: Uint8Array): void {
    this.transport?.write(data)
  }

  override eofReceived(): boolean {
    this.transport?.writeEof() // our EOF for theirs; the transport closes once both are sent
    return true
  }
}

class EchoClient extends Protocol {
  /** Resolves once the connection is over (the server's EOF came and both sides closed). */
  readonly done: Promise<Error | undefined>
  readonly #message: string
  readonly #chunks: Uint8Array[] = []
  #finish!: (error: Error | undefined) => void

  constructor(message: string) {
    super()
    this.#message = message
    this.done = new Promise((resolve) => (this.#finish = resolve))
  }

  /** Everything received so far, decoded once (a character may span two reads). */
  get received(): string {
    return new TextDecoder().decode(Buffer.concat(this.#chunks))
  }

  override connectionMade(transport: Transport): void {
    super.connectionMade(transport)
    transport.write(new TextEncoder().encode(this.#message))
    transport.writeEof()
  }

  override dataReceived(data: Uint8Array): void {
    this.#chunks.push(data)
  }

  override connectionLost(error: Error | undefined): void {
    this.#finish(error)
  }
}

const message = process.argv[2] ?? 'hello, wirekit'
const server = await createServer(() => new EchoServer(), { host: '127.0.0.1', port: 0 })
const [address] = server.addresses()
const { protocol } = await createConnection(() => new EchoClient(message), {
  host: '127.0.0.1',
  port: address?.port ?? 0,
})
const error = await protocol.done
server.close()
await server.waitClosed()
console.log(`sent:     ${message}`)
console.log(`received: ${protocol.received}`)
if (error !== undefined) {
  console.error(`connection lost: ${error.message}`)
  process.exitCode = 1
}
