import { createSocket, type Socket, type SocketOptions } from 'node:dgram'
import { literalFirstLookup } from './literal-lookup.ts'
import { toNetworkError } from './network-errors.ts'
import type { EndpointAddresses } from './resolve-addresses.ts'
import type { ResolvedEndpointOptions } from './validate-options.ts'

/** A bound (and, if asked, connected) socket, and how to stop guarding it against `'error'`. */
export interface OpenedSocket {
  readonly socket: Socket
  /** Removes the listener that kept `'error'` from killing the process during the setup. */
  readonly release: () => void
}

/** Runs one setup step; settles with its callback's error or with the first `'error'` event. */
function step(
  socket: Socket,
  start: (done: (error?: Error | null) => void) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: Error | null): void => {
      socket.off('error', settle)
      if (error == null) {
        resolve()
      } else {
        reject(error)
      }
    }
    socket.on('error', settle)
    start(settle)
  })
}

/** The options `setsockopt` applies once the socket is bound; each throws a system error. */
function applySocketOptions(socket: Socket, options: ResolvedEndpointOptions): void {
  if (options.recvBufferSize !== undefined) {
    socket.setRecvBufferSize(options.recvBufferSize)
  }
  if (options.sendBufferSize !== undefined) {
    socket.setSendBufferSize(options.sendBufferSize)
  }
  if (options.allowBroadcast) {
    socket.setBroadcast(true)
  }
  const multicast = options.multicast
  if (multicast === undefined) {
    return
  }
  if (multicast.interface !== undefined) {
    socket.setMulticastInterface(multicast.interface)
  }
  if (multicast.ttl !== undefined) {
    socket.setMulticastTTL(multicast.ttl)
  }
  if (multicast.loopback !== undefined) {
    socket.setMulticastLoopback(multicast.loopback)
  }
  for (const group of multicast.groups ?? []) {
    socket.addMembership(group, multicast.interface)
  }
}

/**
 * Creates the socket, binds it, applies the socket options and connects it, as asyncio's
 * `create_datagram_endpoint` does before it makes the transport. An `'error'` listener guards the
 * socket from creation until the transport takes over, so that nothing reaches the process.
 * @throws NetworkError (operation `listen` for binding and the options, `connect` for
 *   connecting) keeping the system's `code`; the socket is closed then.
 */
export async function openSocket(
  addresses: EndpointAddresses,
  options: ResolvedEndpointOptions,
): Promise<OpenedSocket> {
  const socketOptions: SocketOptions & { reusePort?: boolean } = {
    type: addresses.family === 6 ? 'udp6' : 'udp4',
    lookup: literalFirstLookup,
    ...(options.reusePort ? { reusePort: true } : {}),
  }
  const socket = createSocket(socketOptions)
  const guard = (): void => {
    // Setup errors are taken by the step under way; any other is a stray ICMP: nothing to do.
  }
  socket.on('error', guard)
  const { local, remote } = addresses
  try {
    try {
      await step(socket, (done) => {
        socket.bind({ address: local.address, port: local.port }, () => {
          done()
        })
      })
      applySocketOptions(socket, options)
    } catch (error) {
      throw toNetworkError('listen', local.given, local.port, error)
    }
    if (remote !== undefined) {
      try {
        await step(socket, (done) => {
          socket.connect(remote.port, remote.address, done)
        })
      } catch (error) {
        throw toNetworkError('connect', remote.given, remote.port, error)
      }
    }
  } catch (error) {
    try {
      socket.close()
    } catch {
      // Already closed by Node after the failure.
    }
    throw error
  }
  return {
    socket,
    release: () => {
      socket.off('error', guard)
    },
  }
}
