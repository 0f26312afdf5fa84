import type { ConnectFunction, OpenConnectionOptions, StreamPair } from './options.ts'
import { StreamReaderProtocol } from './stream-reader-protocol.ts'

/**
 * Opens a connection and returns its reader and writer (asyncio's `open_connection`).
 *
 * The transport is whatever `connect` uses: it receives the protocol factory to hand to the
 * transport's own connect function, so this package depends on no transport.
 * @param connect - Calls a transport's connect function with the factory, such as
 *   `(factory) => createConnection(factory, { host, port })` of `@wirekit/transport-tcp`.
 * @param options - The reader's buffer limit.
 * @returns The streams, once the connection is made.
 * @throws Whatever `connect` throws or rejects with (a `NetworkError` for TCP).
 * @example
 * ```ts
 * import { createConnection } from '@wirekit/transport-tcp'
 *
 * const { reader, writer } = await openConnection((factory) =>
 *   createConnection(factory, { host: '127.0.0.1', port: 8888 }),
 * )
 * writer.write(new TextEncoder().encode('hello\n'))
 * console.log(await reader.readLine())
 * writer.close()
 * await writer.waitClosed()
 * ```
 */
export async function openConnection(
  connect: ConnectFunction,
  options: OpenConnectionOptions = {},
): Promise<StreamPair> {
  if (typeof connect !== 'function') {
    throw new TypeError(
      'openConnection() takes a connect function, such as (factory) => createConnection(factory, options)',
    )
  }
  const made: { protocol?: StreamReaderProtocol } = {}
  await connect(() => {
    if (made.protocol !== undefined) {
      throw new Error('openConnection(): the connect function called the protocol factory twice')
    }
    made.protocol = new StreamReaderProtocol(options)
    return made.protocol
  })
  const protocol = made.protocol
  if (protocol?.writer === undefined) {
    throw new Error(
      'openConnection(): the connect function returned before the connection was made',
    )
  }
  return { reader: protocol.reader, writer: protocol.writer }
}
