import { createConnection, createServer } from '@wirekit/transport-tcp'
import { NetworkError } from '@wirekit/protocol-core'
import { afterEach, describe, expect, it } from 'vitest'
import { openConnection, StreamReaderProtocol } from '../src/index.ts'
import { bytes, closeAll, listenTCP, text } from './helpers.ts'

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

  it('StreamReaderProtocol.streams() throws before the connection is made', () => {
    expect(() => new StreamReaderProtocol().streams()).toThrow(/before the connection/)
  })
})
