import {
  resolveLimit,
  type ClientConnectedHandler,
  type ListenFunction,
  type StartServerOptions,
} from './options.ts'
import { StreamReaderProtocol } from './stream-reader-protocol.ts'

/**
 * Starts a server that calls `handler(reader, writer)` for each connection (asyncio's
 * `start_server`).
 *
 * The transport is whatever `listen` uses: it receives the protocol factory to hand to the
 * transport's own server function, and its server is returned as is. A handler that throws or
 * rejects has its error passed to `options.onError` and its connection aborted; other connections
 * are not touched.
 * @param handler - Serves one connection.
 * @param listen - Calls a transport's server function with the factory, such as
 *   `(factory) => createServer(factory, { host: '127.0.0.1', port: 0 })` of `@wirekit/transport-tcp`.
 * @param options - The readers' buffer limit and the handler error callback.
 * @returns What `listen` returned (for TCP, the `TCPServer`).
 * @example
 * ```ts
 * import { createServer } from '@wirekit/transport-tcp'
 *
 * const server = await startServer(
 *   async (reader, writer) => {
 *     for await (const chunk of reader) {
 *       writer.write(chunk)
 *       await writer.drain()
 *     }
 *     writer.close()
 *   },
 *   (factory) => createServer(factory, { host: '127.0.0.1', port: 0 }),
 * )
 * ```
 */
export async function startServer<TServer>(
  handler: ClientConnectedHandler,
  listen: ListenFunction<TServer>,
  options: StartServerOptions = {},
): Promise<TServer> {
  if (typeof handler !== 'function') {
    throw new TypeError('startServer() takes a handler function as its first argument')
  }
  if (typeof listen !== 'function') {
    throw new TypeError(
      'startServer() takes a listen function, such as (factory) => createServer(factory, options)',
    )
  }
  const { limit, onError } = options
  resolveLimit(limit) // throws now rather than on the first connection
  return await listen(
    () =>
      new StreamReaderProtocol({
        ...(limit === undefined ? {} : { limit }),
        ...(onError === undefined ? {} : { onError }),
        clientConnected: handler,
      }),
  )
}
