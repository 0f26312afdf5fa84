/**
 * The contract suite every wirekit transport passes, for vitest. A transport package implements a
 * small {@link TransportHarness} (how to connect a client protocol to a server protocol over it)
 * and calls {@link describeTransportCompliance} from one of its test files. A datagram transport
 * implements a {@link DatagramHarness} and calls {@link describeDatagramCompliance}.
 *
 * @example
 * ```ts
 * import { describeTransportCompliance, type TransportHarness } from '@wirekit/transport-compliance'
 * import { createMemoryPair } from '@wirekit/transport-memory'
 *
 * const harness: TransportHarness = {
 *   name: 'memory',
 *   connect: ({ client, server, clientOptions, serverOptions }) => {
 *     const pair = createMemoryPair(client, server, {
 *       autoPump: true,
 *       client: clientOptions,
 *       server: serverOptions,
 *     })
 *     return Promise.resolve({
 *       reset: () => pair.reset(),
 *       dispose: () => Promise.resolve(pair.dispose()),
 *     })
 *   },
 * }
 *
 * describeTransportCompliance(harness)
 * ```
 *
 * @packageDocumentation
 */

export { describeTransportCompliance } from './describe-transport-compliance.ts'
export type {
  HarnessConnectOptions,
  HarnessConnection,
  HarnessTransportOptions,
  TransportHarness,
} from './harness.ts'
export {
  BufferedRecordingProtocol,
  RecordingProtocol,
  type BufferedRecorderHooks,
  type RecordedCallback,
  type RecordedEvent,
  type RecorderHooks,
} from './recording-protocol.ts'
export { FillingBufferProtocol } from './filling-buffer-protocol.ts'
export { ByteStream, expectedBytes, expectStreamBytes } from './byte-stream.ts'
export { fillWriteBuffer, roundTrip } from './fill.ts'
export type { Side } from './open-connection.ts'
export { describeDatagramCompliance } from './describe-datagram-compliance.ts'
export type {
  DatagramHarness,
  DatagramHarnessEndpoints,
  DatagramHarnessOpenOptions,
} from './datagram-harness.ts'
export {
  DatagramRecordingProtocol,
  type DatagramRecorderHooks,
  type RecordedDatagramCallback,
  type RecordedDatagramEvent,
} from './datagram-recording-protocol.ts'
export type { DatagramSide } from './datagram-endpoints.ts'
