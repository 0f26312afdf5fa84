import { connect, type NetConnectOpts, type Socket } from 'node:net'
import type { AnyProtocol, ProtocolFactory, Transport } from '@wirekit/protocol-core'
import { toNetworkError } from './network-errors.ts'
import type { TCPConnectionOptions, TCPExtraInfo } from './options.ts'
import { resolveSocketOptions, transportHooksOf } from './socket-options.ts'
import { sharedReadBuffer } from './read-buffer.ts'
import { SocketTransport, tcpKind, type SocketKind } from './socket-transport.ts'
import { secureClientSocket } from './tls-connector.ts'
import { tlsKind } from './tls-kind.ts'
import { resolveTLSConnectionOptions } from './tls-options.ts'
import type { UserBufferReader } from './user-buffer-reads.ts'
import { checkDuration, checkHost, checkPort, checkSignal } from './validate-options.ts'

/** What {@link createConnection} resolves to: the connection's transport and its protocol. */
export interface TCPConnection<TProtocol extends AnyProtocol = AnyProtocol> {
  /** The transport, already given to the protocol's `connectionMade`. */
  readonly transport: Transport<TCPExtraInfo>
  /** The protocol the factory made. */
  readonly protocol: TProtocol
}

/**
 * Node's public `onread` for client sockets wants its buffer before the transport exists: this
 * stands in until then, holding any early bytes (owned copies) for the transport.
 */
export class ReadForwarder implements UserBufferReader {
  #reader: UserBufferReader | undefined
  readonly #early: Buffer[] = []

  /** The bytes read before any reader was attached, taken: they go elsewhere (to TLS). */
  takeEarly(): Uint8Array | undefined {
    const early = this.#early.splice(0)
    return early.length === 0 ? undefined : Buffer.concat(early)
  }

  attach(reader: UserBufferReader): void {
    this.#reader = reader
    for (const chunk of this.#early.splice(0)) {
      reader.onRead(chunk.length, chunk)
    }
  }

  nextBuffer(): Uint8Array {
    return this.#reader === undefined ? sharedReadBuffer : this.#reader.nextBuffer()
  }

  onRead(nread: number, buffer: Uint8Array): void {
    if (this.#reader === undefined) {
      this.#early.push(Buffer.from(buffer.subarray(0, nread)))
    } else {
      this.#reader.onRead(nread, buffer)
    }
  }
}

/**
 * Checks the two arguments every `create...Connection()` takes: a protocol factory function, and
 * an options object (`needs` says what it must hold at least, for the message).
 */
export function checkConnectArguments(
  caller: string,
  protocolFactory: unknown,
  options: unknown,
  needs: string,
): void {
  if (typeof protocolFactory !== 'function') {
    throw new TypeError(`${caller}() takes a protocol factory function as its first argument`)
  }
  if (typeof options !== 'object' || options == null) {
    throw new TypeError(`${caller}() takes an options object with at least ${needs}`)
  }
}

/**
 * Starts connecting a client socket that reads into the memory its transport chooses once it
 * exists (Node's public `onread`); `reads` stands in for the transport until then.
 */
export function connectReading(options: NetConnectOpts): { socket: Socket; reads: ReadForwarder } {
  const reads = new ReadForwarder()
  const socket = connect({
    ...options,
    onread: {
      buffer: () => reads.nextBuffer(),
      callback: (nread, buffer) => {
        reads.onRead(nread, buffer)
        return true // reading is paused through the transport, never from here
      },
    },
    allowHalfOpen: true,
  })
  return { socket, reads }
}

/**
 * Resolves once `socket` is connected; rejects with its error, with `ETIMEDOUT` after `timeout`
 * ms, or with the signal's reason when it aborts (destroying the socket in those two cases).
 */
export function connectSocket(
  socket: Socket,
  timeout: number | undefined,
  signal: AbortSignal | undefined,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer =
      timeout === undefined || timeout === 0
        ? undefined
        : setTimeout(() => {
            socket.destroy(
              Object.assign(new Error(`timed out after ${timeout} ms`), { code: 'ETIMEDOUT' }),
            )
          }, timeout)
    const onAbort = (): void => {
      socket.destroy()
      settle(signal?.reason)
    }
    function settle(error?: unknown): void {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      socket.off('connect', onConnect)
      socket.off('error', onError)
      if (error === undefined) {
        resolve()
      } else {
        reject(error instanceof Error ? error : new Error('connect aborted', { cause: error }))
      }
    }
    function onConnect(): void {
      settle()
    }
    function onError(error: Error): void {
      settle(error)
    }
    socket.once('connect', onConnect)
    socket.once('error', onError)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * Connects to a TCP server and makes a protocol for the connection (asyncio's
 * `loop.create_connection`). The factory is called once connected (with `tls`, once the handshake
 * is done); `connectionMade` has run when the promise resolves.
 *
 * @throws TypeError or RangeError (rejected) for an invalid option, naming it.
 * @throws `NetworkError` (from `@wirekit/protocol-core`) when the connection cannot be made: it keeps Node's `code`
 *   (`ECONNREFUSED`, `ENOTFOUND`, `ETIMEDOUT`, ...) and names host and port. `connectionMade` is
 *   never called then.
 * @throws {@link TLSHandshakeError} with `tls`, when the handshake fails (`DEPTH_ZERO_SELF_SIGNED_CERT`,
 *   `ERR_TLS_CERT_ALTNAME_INVALID`, `CERT_HAS_EXPIRED`, `ERR_TLS_HANDSHAKE_TIMEOUT`, ...); no protocol
 *   is made then.
 * @example
 * ```ts
 * const { transport, protocol } = await createConnection(() => new EchoClient(), {
 *   host: 'localhost',
 *   port: 10000,
 *   timeout: 5000,
 * })
 * const secure = await createConnection(() => new EchoClient(), {
 *   host: 'example.com',
 *   port: 443,
 *   tls: { ALPNProtocols: ['echo'] }, // or tls: true
 * })
 * ```
 * @see {@link https://nodejs.org/api/net.html#netcreateconnection | net.createConnection()}
 */
export async function createConnection<TProtocol extends AnyProtocol>(
  protocolFactory: ProtocolFactory<TProtocol>,
  options: TCPConnectionOptions,
): Promise<TCPConnection<TProtocol>> {
  checkConnectArguments('createConnection', protocolFactory, options, 'a port')
  const host = checkHost('host', options.host ?? 'localhost')
  const port = checkPort('port', options.port, false)
  const localAddress =
    options.localAddress === undefined ? undefined : checkHost('localAddress', options.localAddress)
  const timeout = checkDuration('timeout', options.timeout)
  const signal = checkSignal('signal', options.signal)
  const socketOptions = resolveSocketOptions(options)
  const tls = options.tls === undefined ? undefined : resolveTLSConnectionOptions(options.tls)
  signal?.throwIfAborted()

  const { socket, reads } = connectReading({
    host,
    port,
    ...(localAddress === undefined ? {} : { localAddress }),
    noDelay: socketOptions.noDelay,
    keepAlive: socketOptions.keepAlive,
    keepAliveInitialDelay: socketOptions.keepAliveInitialDelay,
    autoSelectFamily: true,
  })
  try {
    await connectSocket(socket, timeout, signal)
  } catch (error) {
    socket.destroy()
    throw signal?.aborted === true ? error : toNetworkError('connect', host, port, error)
  }
  const hooks = transportHooksOf(socketOptions)
  const connection = tcpKind(socket)
  const open = (
    transportSocket: Socket,
    kind: SocketKind,
  ): { transport: SocketTransport; protocol: TProtocol } => {
    const protocol = protocolFactory()
    return { transport: new SocketTransport(transportSocket, protocol, hooks, kind), protocol }
  }
  if (tls !== undefined) {
    const { transport, protocol } = await secureClientSocket(
      socket,
      tls,
      { host, peer: connection.peer },
      reads.takeEarly(),
      signal,
      (secured, context) =>
        open(secured, tlsKind(secured, connection, context, tls.shutdownTimeout)),
    )
    transport.start()
    return { transport, protocol }
  }
  let opened: { transport: SocketTransport; protocol: TProtocol }
  try {
    opened = open(socket, connection)
  } catch (error) {
    socket.destroy()
    throw error
  }
  reads.attach(opened.transport)
  opened.transport.start()
  return opened
}
