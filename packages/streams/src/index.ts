/**
 * async/await streams over any wirekit transport (asyncio's `StreamReader` and `StreamWriter`):
 * `readExactly`, `readUntil`, `readLine`, `drain`, and bridges to WHATWG streams.
 *
 * The package depends on no transport: `openConnection()` and `startServer()` take a function
 * that hands a protocol factory to the transport of your choice.
 *
 * `openConnection()` and every read take an optional `AbortSignal`; writers and the pairs of
 * `openConnection()` are `AsyncDisposable` (`await using` closes the connection gracefully).
 *
 * @example
 * ```ts
 * import { openConnection, startServer } from '@wirekit/streams'
 * import { createConnection, createServer } from '@wirekit/transport-tcp'
 *
 * const server = await startServer(
 *   async (reader, writer) => {
 *     const line = await reader.readLine()
 *     writer.write(line)
 *     await writer.drain()
 *     writer.close()
 *   },
 *   (factory) => createServer(factory, { host: '127.0.0.1', port: 0 }),
 * )
 * const port = server.addresses()[0]?.port ?? 0
 *
 * const { reader, writer } = await openConnection((factory) =>
 *   createConnection(factory, { host: '127.0.0.1', port }),
 * )
 * writer.write(new TextEncoder().encode('hello\n'))
 * console.log(new TextDecoder().decode(await reader.readLine())) // 'hello\n'
 * writer.close()
 * await writer.waitClosed()
 * server.close()
 * await server.waitClosed()
 * ```
 *
 * @packageDocumentation
 */

export {
  AbortError,
  ConnectionLostError,
  IncompleteReadError,
  LimitOverrunError,
} from './errors.ts'
export {
  DEFAULT_LIMIT,
  type ClientConnectedHandler,
  type ConnectFunction,
  type ListenFunction,
  type OpenConnectionOptions,
  type ReadOptions,
  type StartServerOptions,
  type StreamReaderOptions,
} from './options.ts'
export { openConnection } from './open-connection.ts'
export { startServer } from './start-server.ts'
export type { StreamPair } from './stream-pair.ts'
export { StreamReader } from './stream-reader.ts'
export { StreamReaderProtocol, type StreamReaderProtocolOptions } from './stream-reader-protocol.ts'
export { StreamWriter } from './stream-writer.ts'
export { toReadableStream, toWritableStream } from './web-streams.ts'
