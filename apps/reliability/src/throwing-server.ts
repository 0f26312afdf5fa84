import { Protocol, ProtocolCallbackError, type Transport } from '@wirekit/protocol-core'
import { createServer, type TCPServer } from '@wirekit/transport-tcp'

/** The callback a connection's protocol throws in, or `none` for a plain echo. */
export type ThrowIn = 'none' | 'connectionMade' | 'dataReceived' | 'eofReceived' | 'connectionLost'

/** One connection the server made a protocol for: what it throws in, and when it was lost. */
export interface ServedConnection {
  readonly throwIn: ThrowIn
  /** Resolves with `connectionLost`'s argument once the transport calls it. */
  readonly lost: Promise<Error | undefined>
}

/** An echo protocol that throws in one chosen callback. */
class ThrowingEcho extends Protocol {
  readonly #throwIn: ThrowIn
  readonly #onLost: (error: Error | undefined) => void

  constructor(throwIn: ThrowIn, onLost: (error: Error | undefined) => void) {
    super()
    this.#throwIn = throwIn
    this.#onLost = onLost
  }

  #maybeThrow(callback: ThrowIn): void {
    if (this.#throwIn === callback) {
      throw new Error(`thrown on command in ${callback}`)
    }
  }

  override connectionMade(transport: Transport): void {
    super.connectionMade(transport)
    this.#maybeThrow('connectionMade')
  }

  override dataReceived(data: Uint8Array): void {
    this.#maybeThrow('dataReceived')
    this.transport?.write(data)
  }

  override eofReceived(): boolean {
    this.#maybeThrow('eofReceived')
    return false
  }

  override connectionLost(error: Error | undefined): void {
    this.#onLost(error)
    this.#maybeThrow('connectionLost')
  }
}

/**
 * A library-level echo server (`@wirekit/transport-tcp` used directly, in this process) whose
 * next connection's protocol throws in the callback named by {@link ThrowingServer.next}.
 */
export class ThrowingServer {
  /** Every error the transport reported through `onError`, in order. */
  readonly errors: Error[] = []
  /** Every connection made, in order. */
  readonly connections: ServedConnection[] = []
  /** The callback the next connection's protocol throws in; reset to `none` once used. */
  next: ThrowIn = 'none'
  #server: TCPServer | undefined

  /** Starts listening on `host`, port 0; resolves with the port. */
  async start(host: string): Promise<number> {
    this.#server = await createServer(
      () => {
        const throwIn = this.next
        this.next = 'none'
        let onLost: (error: Error | undefined) => void = () => undefined
        const lost = new Promise<Error | undefined>((resolve) => {
          onLost = resolve
        })
        this.connections.push({ throwIn, lost })
        return new ThrowingEcho(throwIn, onLost)
      },
      {
        host,
        port: 0,
        onError: (error) => {
          this.errors.push(error)
        },
      },
    )
    const port = this.#server.addresses()[0]?.port
    if (port == null) {
      throw new Error('the throwing server has no address')
    }
    return port
  }

  /** The connections open now. */
  get connectionCount(): number {
    return this.#server?.connectionCount ?? 0
  }

  /** The errors reported that name `callback`. */
  errorsIn(callback: ThrowIn): ProtocolCallbackError[] {
    return this.errors.filter(
      (error): error is ProtocolCallbackError =>
        error instanceof ProtocolCallbackError && error.callback === callback,
    )
  }

  /** Closes the listener and every connection. */
  async close(): Promise<void> {
    const server = this.#server
    if (server == null) {
      return
    }
    server.close()
    server.abortClients()
    await server.waitClosed()
  }
}
