import { getEventListeners } from 'node:events'
import { createMemoryPair } from '@wirekit/transport-memory'
import { createConnection, createServer } from '@wirekit/transport-tcp'
import { NetworkError } from '@wirekit/protocol-core'
import { afterEach, describe, expect, it } from 'vitest'
import {
  AbortError,
  openConnection,
  startServer,
  StreamReaderProtocol,
  type ClientConnectedHandler,
  type ConnectFunction,
  type StreamPair,
} from '../src/index.ts'
import { bytes, closeAll, listenTCP, onCloseAll, text } from './helpers.ts'

afterEach(closeAll)

describe('openConnection', () => {
  it('gives a reader and a writer once connected', async () => {
    const { port } = await listenTCP(async (reader, writer) => {
      writer.write(await reader.readLine())
      writer.close()
    })
    const { reader, writer } = await openConnection(
      (factory) => createConnection(factory, { host: '127.0.0.1', port }),
      { limit: 1024 },
    )
    expect(reader.limit).toBe(1024)
    writer.write(bytes('hello\n'))
    expect(text(await reader.readLine())).toBe('hello\n')
    expect(await reader.read()).toHaveLength(0)
    // EOF keeps the write side open (as in asyncio): the client closes it.
    expect(writer.isClosing()).toBe(false)
    writer.close()
    await writer.waitClosed()
  })

  it('await using closes the connection at the end of the block', async () => {
    let serverEnded!: Promise<void>
    const { port } = await listenTCP(async (reader, writer) => {
      serverEnded = writer.waitClosed()
      writer.write(await reader.readLine())
      await reader.read() // until the client closes
      writer.close()
    })
    let kept: StreamPair | undefined
    {
      await using connection = await openConnection((factory) =>
        createConnection(factory, { host: '127.0.0.1', port }),
      )
      kept = connection
      connection.writer.write(bytes('bye\n'))
      expect(text(await connection.reader.readLine())).toBe('bye\n')
      expect(connection.writer.isClosing()).toBe(false)
    }
    expect(kept.writer.isClosing()).toBe(true)
    await kept.writer.waitClosed() // already lost: resolves at once
    await serverEnded
    // A pair from StreamReaderProtocol.streams() is disposable too.
    const protocol = new StreamReaderProtocol()
    const { transport } = await createConnection(() => protocol, { host: '127.0.0.1', port })
    const pair = protocol.streams()
    await pair[Symbol.asyncDispose]()
    expect(transport.isClosing()).toBe(true)
  })

  it('rejects with what the connect function rejects with', async () => {
    // A port that was just free: listen on port 0, then close.
    const server = await createServer(() => new StreamReaderProtocol(), {
      host: '127.0.0.1',
      port: 0,
    })
    const port = server.addresses()[0]?.port ?? 0
    server.close()
    await server.waitClosed()
    const error: unknown = await openConnection((factory) =>
      createConnection(factory, { host: '127.0.0.1', port }),
    ).then(
      () => undefined,
      (thrown: unknown) => thrown,
    )
    expect(error).toBeInstanceOf(NetworkError)
    expect(error).toMatchObject({ code: 'ECONNREFUSED' })
  })

  it('refuses a connect function that did not connect', async () => {
    await expect(openConnection(() => undefined)).rejects.toThrow(/before the connection was made/)
    // @ts-expect-error -- a caller without types
    await expect(openConnection({ port: 1 })).rejects.toThrow(TypeError)
  })

  it('refuses a connect function that calls the factory twice', async () => {
    await expect(
      openConnection((factory) => {
        factory()
        factory()
      }),
    ).rejects.toThrow(/twice/)
  })

  it('an already-aborted signal rejects at once, before the connect function is called', async () => {
    const reason = new Error('not now')
    let called = false
    const error: unknown = await openConnection(
      () => {
        called = true
      },
      { signal: AbortSignal.abort(reason) },
    ).then(
      () => undefined,
      (thrown: unknown) => thrown,
    )
    expect(error).toBeInstanceOf(AbortError)
    expect(error).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', cause: reason })
    expect(called).toBe(false)
    // @ts-expect-error -- a caller without types
    await expect(openConnection(() => undefined, { signal: 'stop' })).rejects.toThrow(TypeError)
  })

  it('a signal also given to createConnection stops the TCP attempt: nothing is accepted for good', async () => {
    const { server, port } = await listenTCP(() => undefined)
    const controller = new AbortController()
    const { signal } = controller
    let factoryCalls = 0
    const opening = openConnection(
      (factory) =>
        createConnection(
          () => {
            factoryCalls += 1
            return factory()
          },
          { host: '127.0.0.1', port, signal },
        ),
      { signal },
    )
    controller.abort()
    await expect(opening).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' })
    expect(factoryCalls).toBe(0)
    // Whatever the server may have accepted is gone: it closes without abortClients().
    server.close()
    await server.waitClosed()
    expect(server.connectionCount).toBe(0)
  })

  it('with a signal, still rejects with what the connect function rejects with', async () => {
    const failure = new Error('no route')
    await expect(
      openConnection(() => Promise.reject(failure), { signal: new AbortController().signal }),
    ).rejects.toBe(failure)
  })

  it('StreamReaderProtocol.streams() throws before the connection is made', () => {
    expect(() => new StreamReaderProtocol().streams()).toThrow(/before the connection/)
  })
})

/** A connect function that waits for `open()` before it connects, whatever the signal does. */
interface GatedDialer {
  readonly connect: ConnectFunction
  readonly open: () => void
  /** The protocols the transport made, to see what became of the connection. */
  readonly made: StreamReaderProtocol[]
}

/** Echoes one line, then closes; the end of each connection goes to `serverEnds`. */
function serveOneLine(serverEnds: Promise<unknown>[]): ClientConnectedHandler {
  return async (reader, writer) => {
    serverEnds.push(writer.waitClosed().catch((error: unknown) => error))
    writer.write(await reader.readLine().catch(() => new Uint8Array(0)))
    writer.close()
  }
}

/** Serves on one transport with {@link serveOneLine}; `gated()` makes a gated dialer to it. */
interface Dialers {
  readonly name: string
  serve(serverEnds: Promise<unknown>[]): Promise<{ gated: () => GatedDialer }>
}

/** Wraps `connectNow` (a transport's connect, given the factory) so that it waits for `open()`. */
function gate(connectNow: (factory: () => StreamReaderProtocol) => unknown): GatedDialer {
  let open!: () => void
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  const made: StreamReaderProtocol[] = []
  return {
    made,
    open,
    connect: async (factory) => {
      await opened
      return connectNow(() => {
        const protocol = factory()
        made.push(protocol)
        return protocol
      })
    },
  }
}

const dialers: readonly Dialers[] = [
  {
    name: 'tcp',
    async serve(serverEnds) {
      const { port } = await listenTCP(serveOneLine(serverEnds))
      return {
        gated: () =>
          gate(async (factory) => await createConnection(factory, { host: '127.0.0.1', port })),
      }
    },
  },
  {
    name: 'memory',
    async serve(serverEnds) {
      const serverFactory = await startServer(serveOneLine(serverEnds), (factory) => factory)
      return {
        gated: () =>
          gate((factory) => {
            const pair = createMemoryPair(factory, serverFactory, { autoPump: true })
            onCloseAll(() => {
              pair.dispose()
            })
            return pair.client
          }),
      }
    },
  },
]

describe.each(dialers)('openConnection with a signal over $name', (dialer) => {
  it('aborting while connecting rejects at once; the connection made later is aborted', async () => {
    const serverEnds: Promise<unknown>[] = []
    const { gated } = await dialer.serve(serverEnds)
    const { connect, open, made } = gated()
    const controller = new AbortController()
    const opening = openConnection(connect, { signal: controller.signal })
    const reason = new Error('gave up')
    controller.abort(reason)
    // Settled within this turn of the event loop, while the connect function still waits.
    const error: unknown = await Promise.race([
      opening.then(
        () => 'resolved',
        (thrown: unknown) => thrown,
      ),
      new Promise((resolve) => {
        setImmediate(resolve, 'still pending')
      }),
    ])
    expect(error).toBeInstanceOf(AbortError)
    expect(error).toMatchObject({ code: 'ABORT_ERR', cause: reason })
    expect(made).toHaveLength(0) // rejected before the connect function went on
    // The connect function ignored the signal and connects now: nothing must stay open.
    open()
    await expect.poll(() => made[0]?.writer?.isClosing()).toBe(true)
    await expect.poll(() => serverEnds.length).toBe(1)
    await made[0]?.writer?.waitClosed().catch(() => undefined)
    await Promise.all(serverEnds)
  })

  it('aborting after the connection was made does nothing: the signal governed the opening', async () => {
    const serverEnds: Promise<unknown>[] = []
    const { gated } = await dialer.serve(serverEnds)
    const { connect, open } = gated()
    const controller = new AbortController()
    open()
    const { reader, writer } = await openConnection(connect, { signal: controller.signal })
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
    controller.abort()
    expect(writer.isClosing()).toBe(false)
    writer.write(bytes('still here\n'))
    expect(text(await reader.readLine())).toBe('still here\n')
  })
})
