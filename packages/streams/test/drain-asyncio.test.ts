import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ConnectionLostError } from '../src/index.ts'
import { bytes, closeAll, harnesses, resetConnection, writeLoop } from './helpers.ts'

afterEach(closeAll)

const CAP = 100_000
const CLOSE_AT = 10
const CHUNK = 'sixteen bytes...'

/**
 * The same three scenarios in CPython's asyncio, over loopback TCP: a write/drain loop whose
 * transport is closed at CLOSE_AT, drain() after a reset by the peer, drain() after a clean
 * close. Each prints what drain() did, named as the wirekit side names it.
 */
const PYTHON = `
import asyncio, errno, json, socket, struct

CAP, CLOSE_AT, CHUNK = ${CAP}, ${CLOSE_AT}, b'${CHUNK}'

def kind(error):
    if error is None:
        return None
    if isinstance(error, ConnectionResetError) and error.errno is None:
        return 'lost'  # ConnectionResetError('Connection lost'): lost without an error
    return errno.errorcode.get(error.errno, repr(error))

async def serve_one(handler, client):
    server = await asyncio.start_server(handler, '127.0.0.1', 0)
    reader, writer = await asyncio.open_connection('127.0.0.1', server.sockets[0].getsockname()[1])
    result = await client(reader, writer)
    writer.close()
    server.close()
    await server.wait_closed()
    return result

async def closing():
    done = asyncio.get_running_loop().create_future()
    async def handler(reader, writer):
        soon = []
        for i in range(CAP):
            if i == CLOSE_AT:
                writer.close()
                asyncio.get_running_loop().call_soon(soon.append, i)
            writer.write(CHUNK)
            try:
                await writer.drain()
            except Exception as error:
                done.set_result({'endedBeforeCap': True, 'error': kind(error), 'callbackRan': bool(soon)})
                return
        done.set_result({'endedBeforeCap': False, 'error': None, 'callbackRan': bool(soon)})
    async def client(reader, writer):
        received = len(await reader.read())
        return {**(await done), 'received': received}
    return await serve_one(handler, client)

async def lost(reset):
    done = asyncio.get_running_loop().create_future()
    async def handler(reader, writer):
        if reset:
            try:
                await reader.read()
            except ConnectionResetError:
                pass
        else:
            writer.close()
            await writer.wait_closed()
        try:
            await writer.drain()
            done.set_result({'error': None})
        except Exception as error:
            done.set_result({'error': kind(error), 'readerError': error is reader.exception()})
    async def client(reader, writer):
        if reset:
            writer.get_extra_info('socket').setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
            writer.transport.abort()
        return await done
    return await serve_one(handler, client)

async def main():
    print(json.dumps({'closing': await closing(), 'reset': await lost(True), 'clean': await lost(False)}))

asyncio.run(main())
`

/** What drain() did in one scenario, in the names the Python script uses. */
interface Outcome {
  readonly error: string | null
  readonly [key: string]: unknown
}

/** `'lost'` for a loss without an error, else the error's code (`'ECONNRESET'`...). */
function kind(error: unknown): string | null {
  if (error === undefined) {
    return null
  }
  if (error instanceof ConnectionLostError) {
    return 'lost'
  }
  const { code } = error as { code?: unknown }
  return typeof code === 'string' ? code : 'an error without a code'
}

let asyncio: Record<'closing' | 'reset' | 'clean', Outcome>

beforeAll(async () => {
  const { stdout } = await promisify(execFile)('python3', ['-c', PYTHON], { timeout: 15_000 })
  asyncio = JSON.parse(stdout) as typeof asyncio
})

describe('asyncio itself (CPython, loopback TCP)', () => {
  it('yields to the loop in drain() while closing, then raises once the connection is lost', () => {
    expect(asyncio.closing).toEqual({
      endedBeforeCap: true,
      error: 'lost',
      callbackRan: true,
      received: CHUNK.length * CLOSE_AT,
    })
    expect(asyncio.reset).toEqual({ error: 'ECONNRESET', readerError: true })
    expect(asyncio.clean).toEqual({ error: 'lost', readerError: false })
  })
})

describe.each(harnesses)('drain() over $name, side by side with asyncio', (harness) => {
  it('a write/drain loop whose transport closes ends as in asyncio', async () => {
    const { client, server } = await harness.connect()
    const received = client.reader.read()
    let callbackRan = false
    const end = await writeLoop(server.writer, bytes(CHUNK), CAP, (iteration) => {
      if (iteration === CLOSE_AT) {
        server.writer.close()
        setImmediate(() => {
          callbackRan = true
        })
      }
    })
    expect({
      endedBeforeCap: end.iterations < CAP,
      error: kind(end.error),
      callbackRan,
      received: (await received).length,
    }).toEqual(asyncio.closing)
  })

  it('drain() after a reset by the peer rejects as in asyncio', async () => {
    const { client, server } = await harness.connect()
    const reading = server.reader.read().catch(() => undefined)
    resetConnection(client)
    await reading
    const error = await server.writer.drain().then(
      () => undefined,
      (thrown: unknown) => thrown,
    )
    expect({ error: kind(error), readerError: error === server.reader.exception() }).toEqual(
      asyncio.reset,
    )
  })

  it('drain() after a clean close rejects as in asyncio', async () => {
    const { server } = await harness.connect()
    server.writer.close()
    await server.writer.waitClosed()
    const error = await server.writer.drain().then(
      () => undefined,
      (thrown: unknown) => thrown,
    )
    expect({ error: kind(error), readerError: error === server.reader.exception() }).toEqual(
      asyncio.clean,
    )
  })
})
