/**
 * The wirekit contract: asyncio's transports and protocols, typed, for any transport.
 *
 * A protocol is an object whose callbacks (`connectionMade`, `dataReceived`, `eofReceived`,
 * `connectionLost`, `pauseWriting`, `resumeWriting`) a transport calls; a transport (`write`,
 * `writeEof`, `close`, `abort`, `pauseReading`, ...) hides the socket. This package holds only
 * the contract and the write flow control every transport shares: pair it with a transport such
 * as `@wirekit/transport-tcp`. Datagram endpoints have their own pair: `DatagramProtocol`
 * (`datagramReceived`, `errorReceived`) and `DatagramTransport` (`sendto`), as in asyncio.
 *
 * @example
 * ```ts
 * import { Protocol } from '@wirekit/protocol-core'
 *
 * class EchoServer extends Protocol {
 *   override dataReceived(data: Uint8Array): void {
 *     this.transport?.write(data)
 *   }
 *
 *   override eofReceived(): boolean {
 *     this.transport?.writeEof()
 *     return true
 *   }
 * }
 * ```
 *
 * @packageDocumentation
 */

export {
  BufferedProtocol,
  isBufferedProtocol,
  Protocol,
  type AnyProtocol,
  type BaseProtocolCallbacks,
  type BufferedProtocolCallbacks,
  type ProtocolFactory,
  type StreamProtocolCallbacks,
} from './protocol.ts'
export {
  isTransport,
  transportSymbol,
  type BaseTransport,
  type ExtraInfo,
  type ReadTransport,
  type Transport,
  type TransportAddress,
  type WriteTransport,
} from './transport.ts'
export type { Server } from './server.ts'
export {
  IdleTimeoutError,
  NetworkError,
  ProtocolCallbackError,
  UnsupportedOptionError,
  WriteAfterEofError,
  type NetworkOperation,
  type ProtocolCallbackName,
} from './errors.ts'
export {
  DEFAULT_HIGH_WATER_MARK,
  resolveWriteBufferLimits,
  WriteFlowControl,
  type FlowControlListener,
  type WriteBufferLimits,
} from './flow-control.ts'
export {
  DatagramProtocol,
  type DatagramProtocolCallbacks,
  type DatagramProtocolFactory,
} from './datagram-protocol.ts'
export {
  datagramTransportSymbol,
  isDatagramTransport,
  type DatagramAddress,
  type DatagramExtraInfo,
  type DatagramTransport,
} from './datagram-transport.ts'
export { DatagramAddressError, type DatagramAddressErrorCode } from './datagram-errors.ts'
export {
  checkSendto,
  DATAGRAM_HEADER_SIZE,
  describeAddress,
  droppedSendsWarning,
  isSameAddress,
} from './datagram-rules.ts'
export {
  AbstractDatagramTransport,
  type DatagramTransportHooks,
} from './abstract-datagram-transport.ts'
export { emitWarning, printError } from './default-handlers.ts'
export {
  checkProtocolBuffer,
  checkWriteData,
  DROPPED_WRITES_BEFORE_WARNING,
  droppedWritesWarning,
  reportCallbackError,
  reusePortSupported,
} from './transport-rules.ts'
