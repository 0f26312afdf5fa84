import type { RemoteInfo, Socket } from 'node:dgram'
import {
  AbstractDatagramTransport,
  type DatagramAddress,
  type DatagramProtocolCallbacks,
  type DatagramTransportHooks,
} from '@wirekit/protocol-core'
import type { UDPExtraInfo } from './options.ts'

function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown))
}

/**
 * asyncio's datagram transport on a bound (and maybe connected) `dgram.Socket`: the shared state
 * machine does the rest. Each datagram stays queued from `sendto()` until Node calls its send
 * callback: until the next tick when the system took it at once, longer when libuv had to queue
 * it (a full send buffer) or a host name was being resolved.
 */
export class UDPTransport extends AbstractDatagramTransport<UDPExtraInfo> {
  readonly #socket: Socket

  constructor(socket: Socket, protocol: DatagramProtocolCallbacks, hooks: DatagramTransportHooks) {
    const sockname = socket.address()
    let peername: UDPExtraInfo['peername'] | undefined
    try {
      peername = socket.remoteAddress()
    } catch {
      // Not connected (ERR_SOCKET_DGRAM_NOT_CONNECTED): no peername, as in asyncio.
    }
    super(
      protocol,
      peername === undefined ? { sockname, socket } : { sockname, peername, socket },
      hooks,
    )
    this.#socket = socket
    socket.on('message', this.#onMessage)
    socket.on('error', this.#onError)
    socket.on('close', this.#onClose)
  }

  protected sendDatagram(
    data: Uint8Array,
    address: DatagramAddress | undefined,
    done: (error?: Error | null) => void,
  ): void {
    try {
      if (address === undefined) {
        this.#socket.send(data, done)
      } else {
        this.#socket.send(data, address.port, address.address, done)
      }
    } catch (thrown) {
      // Node throws for a socket closed behind the transport's back: reported like any failure.
      process.nextTick(done, asError(thrown))
    }
  }

  /** A copy from Node's pool: smaller than 4 KiB, it costs no allocation of its own. */
  protected override copyDatagram(data: Uint8Array): Uint8Array {
    return Buffer.from(data)
  }

  protected closeSocket(): void {
    try {
      this.#socket.close()
    } catch {
      // Closed behind the transport's back: its 'close' event has ended the endpoint already.
    }
  }

  readonly #onMessage = (data: Buffer, from: RemoteInfo): void => {
    this.receiveDatagram(data, { address: from.address, family: from.family, port: from.port })
  }

  readonly #onError = (error: Error): void => {
    this.receiveError(error)
  }

  readonly #onClose = (): void => {
    this.socketClosed()
  }
}
