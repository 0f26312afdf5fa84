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

/** The least scratch memory an endpoint takes: a datagram of a typical path MTU fits. */
const MIN_SCRATCH_SIZE = 2048
/**
 * The most: more than any UDP payload (65,507 bytes over IPv4, 65,527 over IPv6), so that a
 * datagram too large to send (EMSGSIZE) gets a copy of its own and leaves no memory behind.
 */
const MAX_SCRATCH_SIZE = 65_536

/** Scratch memory for a datagram of `size` bytes: a power of two, so that growing is rare. */
function scratchSizeFor(size: number): number {
  return Math.max(MIN_SCRATCH_SIZE, 2 ** Math.ceil(Math.log2(size)))
}

/**
 * asyncio's datagram transport on a bound (and maybe connected) `dgram.Socket`: the shared state
 * machine does the rest. Each datagram stays queued from `sendto()` until Node calls its send
 * callback: until the next tick when the system took it at once, longer when libuv had to queue
 * it (a full send buffer) or a host name was being resolved.
 *
 * The copy of each datagram goes to scratch memory of the endpoint's own, taken again once Node's
 * send callback (a tick later when the datagram left within `sendto()`) says the socket is done
 * with it: a protocol that sends one datagram per event allocates no memory for the bytes (copies
 * from Node's pool would take a new 8 KiB pool every few datagrams). A send while the scratch is
 * held (the second of a burst in one tick, one behind a datagram waiting for its host name or
 * queued at a full send buffer) gets a copy of its own.
 */
export class UDPTransport extends AbstractDatagramTransport<UDPExtraInfo> {
  readonly #socket: Socket
  /** Memory for copies of datagrams; made at the first send, grown for a larger datagram. */
  #scratch: Buffer | undefined
  /** The `done` of the send that holds {@link UDPTransport.#scratch}, if one does. */
  #scratchHolder: ((error?: Error | null) => void) | undefined

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
    let callback = done
    if (this.#scratchHolder === undefined && data.buffer === this.#scratch?.buffer) {
      this.#scratchHolder = done
      callback = this.#releaseScratch
    }
    try {
      if (address === undefined) {
        this.#socket.send(data, callback)
      } else {
        this.#socket.send(data, address.port, address.address, callback)
      }
    } catch (thrown) {
      // Node throws for a socket closed behind the transport's back: reported like any failure.
      process.nextTick(callback, asError(thrown))
    }
  }

  /** A copy in the scratch memory when no send holds it and it fits, else one of its own. */
  protected override copyDatagram(data: Uint8Array): Uint8Array {
    if (this.#scratchHolder !== undefined || data.length > MAX_SCRATCH_SIZE) {
      return Buffer.from(data)
    }
    let scratch = this.#scratch
    if (scratch === undefined || scratch.byteLength < data.byteLength) {
      scratch = Buffer.allocUnsafeSlow(scratchSizeFor(data.byteLength))
      this.#scratch = scratch
    }
    scratch.set(data)
    return scratch.subarray(0, data.byteLength)
  }

  protected closeSocket(): void {
    try {
      this.#socket.close()
    } catch {
      // Closed behind the transport's back: its 'close' event has ended the endpoint already.
    }
  }

  /** The send callback of a datagram in the scratch memory: frees it, then tells the core. */
  readonly #releaseScratch = (error?: Error | null): void => {
    const done = this.#scratchHolder
    this.#scratchHolder = undefined
    done?.(error)
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
