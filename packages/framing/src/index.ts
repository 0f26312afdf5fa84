/**
 * Line and length-prefixed framing for wirekit protocols, bounded against hostile input.
 *
 * @example
 * ```ts
 * import { LineProtocol } from '@wirekit/framing'
 *
 * class Echo extends LineProtocol {
 *   override lineReceived(line: Uint8Array): void {
 *     this.sendLine(line)
 *   }
 * }
 * ```
 * @packageDocumentation
 */
export { FrameTooLongError } from './errors.ts'
export { FramedProtocol } from './framed-protocol.ts'
export type { FrameDecoder } from './frame-feeder.ts'
export { LineProtocol, type LineProtocolOptions } from './line-protocol.ts'
export type { OverflowPolicy } from './options.ts'
export {
  LengthPrefixedProtocol,
  type LengthPrefixedProtocolOptions,
} from './length-prefixed-protocol.ts'
