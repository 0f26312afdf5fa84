/**
 * The connection core every wirekit stream transport runs on: the state machine of an asyncio
 * transport (call order, reading and pausing, held data, EOF, close versus abort, buffered-protocol
 * feeding, write flow control, the callback-error policy), written once. A transport extends
 * {@link StreamTransport} and supplies only its I/O; `@wirekit/transport-tcp` and
 * `@wirekit/transport-memory` are built this way.
 *
 * Protocol authors do not need this package: they use `@wirekit/protocol-core` and a transport.
 *
 * @example
 * ```ts
 * import { StreamTransport } from '@wirekit/connection-core'
 *
 * class LoopbackTransport extends StreamTransport {
 *   protected ioStartReading(): void {}
 *   protected ioStopReading(): void {}
 *   protected ioWrite(data: Uint8Array): void {
 *     queueMicrotask(() => this.receive(data.slice()))
 *   }
 *   protected ioWriteAll(chunks: readonly Uint8Array[]): void {
 *     chunks.forEach((chunk) => this.ioWrite(chunk))
 *   }
 *   protected ioWriteBufferSize(): number {
 *     return 0
 *   }
 *   protected ioWriteEof(): void {
 *     queueMicrotask(() => this.receiveEof())
 *   }
 *   protected ioClose(): void {
 *     queueMicrotask(() => this.finish())
 *   }
 *   protected ioAbort(): void {
 *     queueMicrotask(() => this.finish())
 *   }
 *   protected ioExtraInfo(): unknown {
 *     return undefined
 *   }
 * }
 * ```
 *
 * @packageDocumentation
 */

export { StreamTransport, type StreamTransportOptions } from './stream-transport.ts'
