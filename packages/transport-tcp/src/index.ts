/**
 * A wirekit transport over `node:net`: asyncio's `create_server` and `create_connection`, and
 * for Unix domain sockets `create_unix_server` and `create_unix_connection`, with asyncio's
 * transport semantics (water marks, half-close, no unhandled `'error'`, callbacks that
 * throw reported and contained).
 *
 * @example
 * ```ts
 * import { Protocol } from '@wirekit/protocol-core'
 * import { createServer } from '@wirekit/transport-tcp'
 *
 * class EchoServer extends Protocol {
 *   override dataReceived(data: Uint8Array): void {
 *     this.transport?.write(data)
 *   }
 * }
 *
 * const server = await createServer(() => new EchoServer(), { host: '127.0.0.1', port: 0 })
 * console.log(server.addresses())
 * ```
 *
 * @packageDocumentation
 */

export { createServer, type TCPServer } from './create-server.ts'
export type { DrainOptions, DrainResult } from './drain.ts'
export type { ServerStats } from './server-stats.ts'
export { diagnosticsChannels } from './diagnostics.ts'
export { createConnection, type TCPConnection } from './create-connection.ts'
export { startTls, type StartTLSOptions } from './start-tls.ts'
export { TLSHandshakeError } from './tls-errors.ts'
export type { ProxyProtocolOptions, TrustedProxies } from './proxy-options.ts'
export type {
  TLSCommonOptions,
  TLSConnectionOptions,
  TLSExtraInfo,
  TLSServerOptions,
} from './tls-options.ts'
export type {
  TCPConnectionOptions,
  TCPExtraInfo,
  TCPServerOptions,
  TCPSocketOptions,
} from './options.ts'
export { createUnixServer, type UnixServer } from './create-unix-server.ts'
export { createUnixConnection, type UnixConnection } from './create-unix-connection.ts'
export type {
  UnixConnectionOptions,
  UnixExtraInfo,
  UnixServerOptions,
  UnixSocketOptions,
} from './unix-options.ts'
export { UnixSocketError } from './unix-socket-error.ts'
