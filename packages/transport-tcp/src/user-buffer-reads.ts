/**
 * Reads of accepted sockets into memory the transport chooses (Node's `onread`), the one place
 * that relies on Node internals.
 *
 * Node gives `net.connect()` an `onread` option, reading into a buffer the caller provides, but
 * has no public way to do the same for the sockets a server accepts: those read into a fresh
 * 64 KiB allocation per read, which dominates the cost of large messages. An accepted socket
 * created with `pauseOnConnect` has not started reading yet; setting the three symbols Node's
 * `net.Socket` keeps for `onread` and switching its handle to a user buffer gives it exactly the
 * state `onread` would have given it.
 *
 * {@link userBufferReadsAvailable} checks once per process that this works (the symbols and the
 * handle method exist, and a loopback round trip reads through the callback); when it does not,
 * or when `WIREKIT_TCP_READS=events` is set, servers use Node's public `'data'` events.
 */
import { once } from 'node:events'
import { connect, createServer, Socket } from 'node:net'

/** What Node calls after each read, and what it asks for the next buffer. */
export interface UserBufferReader {
  /** The memory for the next read. */
  nextBuffer(): Uint8Array
  /** `nread` bytes were read at the start of `buffer`. */
  onRead(nread: number, buffer: Uint8Array): void
}

/** How long the start-up round trip may take before the public path is chosen. */
const SELF_TEST_TIMEOUT_MS = 2000

interface OnreadSymbols {
  readonly buffer: symbol
  readonly callback: symbol
  readonly generator: symbol
}

type HandleWithUserBuffer = { useUserBuffer?: (buffer: Uint8Array) => void } | null | undefined

function findOnreadSymbols(): OnreadSymbols | undefined {
  const probe = new Socket()
  const symbols = Object.getOwnPropertySymbols(probe)
  const find = (description: string): symbol | undefined =>
    symbols.find((symbol) => symbol.description === description)
  const buffer = find('kBuffer')
  const callback = find('kBufferCb')
  const generator = find('kBufferGen')
  return buffer === undefined || callback === undefined || generator === undefined
    ? undefined
    : { buffer, callback, generator }
}

function handleOf(socket: Socket): HandleWithUserBuffer {
  return (socket as unknown as { _handle?: HandleWithUserBuffer })._handle
}

const readerKey = Symbol('wirekit.userBufferReader')

/** Node calls the `onread` callback with the socket as `this`: one function serves every socket. */
function onUserBufferRead(this: Socket, nread: number, buffer: Uint8Array): void {
  ;(this as Socket & { [readerKey]: UserBufferReader })[readerKey].onRead(nread, buffer)
}

/**
 * Makes an accepted socket (created with `pauseOnConnect`, not yet resumed) read through
 * `reader`. Returns `false`, leaving the socket untouched, when it cannot.
 */
export function installUserBufferReads(
  socket: Socket,
  symbols: OnreadSymbols,
  reader: UserBufferReader,
): boolean {
  const handle = handleOf(socket)
  if (typeof handle?.useUserBuffer !== 'function') {
    return false
  }
  const first = reader.nextBuffer()
  const fields = socket as unknown as Record<symbol, unknown>
  fields[readerKey] = reader
  fields[symbols.buffer] = first
  // Node calls the generator without a `this`, so it needs its own closure.
  fields[symbols.generator] = () => reader.nextBuffer()
  fields[symbols.callback] = onUserBufferRead
  handle.useUserBuffer(first)
  return true
}

async function roundTrip(symbols: OnreadSymbols): Promise<boolean> {
  const memory = new Uint8Array(64)
  let seen = ''
  const server = createServer({ pauseOnConnect: true }, (socket) => {
    const installed = installUserBufferReads(socket, symbols, {
      nextBuffer: () => memory,
      onRead: (nread, buffer) => {
        seen += Buffer.from(buffer.subarray(0, nread)).toString('latin1')
        if (seen === 'wirekit') {
          socket.end()
        }
      },
    })
    if (!installed) {
      socket.destroy()
    }
    // Data arriving as events means the handle ignored the user buffer.
    socket.on('data', () => socket.destroy())
    socket.on('error', () => undefined)
    socket.resume()
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  try {
    const address = server.address()
    if (address == null || typeof address === 'string') {
      return false
    }
    const client = connect({ host: '127.0.0.1', port: address.port })
    client.on('error', () => undefined)
    client.end('wirekit')
    client.resume()
    const timer = setTimeout(() => client.destroy(), SELF_TEST_TIMEOUT_MS)
    await once(client, 'close')
    clearTimeout(timer)
    return seen === 'wirekit'
  } finally {
    server.close()
  }
}

let detection: Promise<OnreadSymbols | undefined> | undefined

/**
 * The `onread` symbols when user-buffer reads work for accepted sockets in this process, else
 * `undefined`. Checked once, with a loopback round trip; never rejects.
 */
export function userBufferReadsAvailable(): Promise<OnreadSymbols | undefined> {
  detection ??= (async () => {
    if (process.env.WIREKIT_TCP_READS === 'events') {
      return undefined
    }
    const symbols = findOnreadSymbols()
    if (symbols === undefined) {
      return undefined
    }
    try {
      return (await roundTrip(symbols)) ? symbols : undefined
    } catch {
      return undefined
    }
  })()
  return detection
}

export type { OnreadSymbols }
