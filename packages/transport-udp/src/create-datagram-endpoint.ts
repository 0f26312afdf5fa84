import type {
  DatagramProtocolCallbacks,
  DatagramProtocolFactory,
  DatagramTransport,
} from '@wirekit/protocol-core'
import { openSocket } from './open-socket.ts'
import type { UDPEndpointOptions, UDPExtraInfo } from './options.ts'
import { resolveAddresses } from './resolve-addresses.ts'
import { UDPTransport } from './udp-transport.ts'
import { resolveEndpointOptions } from './validate-options.ts'

/** What {@link createDatagramEndpoint} resolves to: the endpoint's transport and its protocol. */
export interface UDPEndpoint<
  TProtocol extends DatagramProtocolCallbacks = DatagramProtocolCallbacks,
> {
  /** The transport, already given to the protocol's `connectionMade`. */
  readonly transport: DatagramTransport<UDPExtraInfo>
  /** The protocol the factory made. */
  readonly protocol: TProtocol
}

/**
 * Opens a UDP endpoint and makes its protocol (asyncio's `loop.create_datagram_endpoint`). The
 * socket is bound (to `localAddress`, or every interface on a free port) and, given a
 * `remoteAddress`, connected before the factory is called; `connectionMade` has run when the
 * promise resolves, so nothing can be sent before the socket is bound.
 *
 * What `node:dgram` leaves to the user is done here: every socket error reaches the protocol's
 * `errorReceived` (an ICMP port unreachable on a connected endpoint, `EMSGSIZE`, ...) and never
 * the process; sends are counted against water marks (`pauseWriting`/`resumeWriting`); `close()`
 * sends what is queued before closing, `abort()` drops it; empty datagrams go both ways.
 *
 * @param protocolFactory - Makes the endpoint's protocol, once the socket is ready.
 * @param options - Where to bind and connect, and the socket options.
 * @throws TypeError or RangeError (rejected) for an invalid option, naming it.
 * @throws `UnsupportedOptionError` (rejected) for `reusePort` before Node.js 22.12.
 * @throws `NetworkError` (from `@wirekit/protocol-core`, rejected) when binding (`listen`),
 *   resolving or connecting (`connect`) fails: it keeps Node's `code` (`EADDRINUSE`,
 *   `EADDRNOTAVAIL`, `ENOTFOUND`, ...) and names the address. `connectionMade` is never called then.
 * @example
 * ```ts
 * const { transport } = await createDatagramEndpoint(() => new EchoServer(), {
 *   localAddress: { address: '127.0.0.1', port: 9999 },
 * })
 * console.log('listening on', transport.getExtraInfo('sockname'))
 * ```
 * @see {@link https://nodejs.org/api/dgram.html | node:dgram}
 */
export async function createDatagramEndpoint<TProtocol extends DatagramProtocolCallbacks>(
  protocolFactory: DatagramProtocolFactory<TProtocol>,
  options: UDPEndpointOptions,
): Promise<UDPEndpoint<TProtocol>> {
  if (typeof protocolFactory !== 'function') {
    throw new TypeError(
      'createDatagramEndpoint() takes a protocol factory function as its first argument',
    )
  }
  const resolved = resolveEndpointOptions(options)
  const addresses = await resolveAddresses(resolved)
  const { socket, release } = await openSocket(addresses, resolved)
  let protocol: TProtocol
  try {
    protocol = protocolFactory()
  } catch (error) {
    socket.close()
    throw error
  }
  const transport = new UDPTransport(socket, protocol, {
    onError: resolved.onError,
    onWarning: resolved.onWarning,
    writeBufferLimits: resolved.writeBufferLimits,
  })
  release()
  transport.start()
  return { transport, protocol }
}
