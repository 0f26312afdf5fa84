/**
 * A wirekit datagram transport over `node:dgram`: asyncio's `create_datagram_endpoint` with
 * asyncio's datagram semantics. Every socket error reaches the protocol's `errorReceived` and
 * never the process, sends are flow-controlled with water marks, `close()` flushes and `abort()`
 * drops, and a protocol callback that throws is reported and contained.
 *
 * @example
 * ```ts
 * import { DatagramProtocol, type TransportAddress } from '@wirekit/protocol-core'
 * import { createDatagramEndpoint } from '@wirekit/transport-udp'
 *
 * class EchoServer extends DatagramProtocol {
 *   override datagramReceived(data: Uint8Array, address: TransportAddress): void {
 *     this.transport?.sendto(data, address)
 *   }
 * }
 *
 * const { transport } = await createDatagramEndpoint(() => new EchoServer(), {
 *   localAddress: { address: '127.0.0.1', port: 0 },
 * })
 * console.log(transport.getExtraInfo('sockname'))
 * ```
 *
 * @packageDocumentation
 */

export { createDatagramEndpoint, type UDPEndpoint } from './create-datagram-endpoint.ts'
export { UnsupportedOptionError } from '@wirekit/protocol-core'
export type {
  UDPEndpointOptions,
  UDPExtraInfo,
  UDPLocalAddress,
  UDPMulticastOptions,
} from './options.ts'
