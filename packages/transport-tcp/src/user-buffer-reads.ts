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
 * {@link detectReadPath} checks once per process that this works (the symbols and the handle
 * method exist, and a loopback round trip reads through the callback); when it does not, servers
 * use Node's public `'data'` events and say why (one warning per server), unless
 * `WIREKIT_TCP_READS=events` asked for them.
 */
import { once } from 'node:events'
import { Socket } from 'node:net'
import { detectFastPath, fallbackWarning, type Fallback } from './fast-path-detection.ts'
import { loopbackSelfTest } from './loopback-self-test.ts'
import { sharedReadBuffer } from './read-buffer.ts'

/** What Node calls after each read, and what it asks for the next buffer. */
export interface UserBufferReader {
  /** The memory for the next read. */
  nextBuffer(): Uint8Array
  /** `nread` bytes were read at the start of `buffer`. */
  onRead(nread: number, buffer: Uint8Array): void
}

/** The names Node gives the symbols that hold a socket's `onread` state. */
const ONREAD_SYMBOL_NAMES = { buffer: 'kBuffer', callback: 'kBufferCb', generator: 'kBufferGen' }

interface OnreadSymbols {
  readonly buffer: symbol
  readonly callback: symbol
  readonly generator: symbol
}

type HandleWithUserBuffer = { useUserBuffer?: (buffer: Uint8Array) => void } | null | undefined

function findOnreadSymbols(): OnreadSymbols | string {
  const probe = new Socket()
  const symbols = Object.getOwnPropertySymbols(probe)
  const find = (description: string): symbol | undefined =>
    symbols.find((symbol) => symbol.description === description)
  const buffer = find(ONREAD_SYMBOL_NAMES.buffer)
  const callback = find(ONREAD_SYMBOL_NAMES.callback)
  const generator = find(ONREAD_SYMBOL_NAMES.generator)
  if (buffer === undefined || callback === undefined || generator === undefined) {
    const names = Object.values(ONREAD_SYMBOL_NAMES).join(', ')
    return `net.Socket has no ${names} symbols on Node ${process.version}`
  }
  return { buffer, callback, generator }
}

let knownSymbols: OnreadSymbols | string | undefined

/** The onread symbols of this Node, looked up once (a string says why there are none). */
function onreadSymbols(): OnreadSymbols | string {
  knownSymbols ??= findOnreadSymbols()
  return knownSymbols
}

/**
 * Makes a socket that reads into memory it is given read into the shared read buffer from now on,
 * instead of memory lent to a protocol for its next read: once the transport closes, what the
 * socket still reads is discarded, and must not land in memory the protocol owns again.
 */
export function readIntoScratch(socket: Socket): void {
  const symbols = onreadSymbols()
  const handle = handleOf(socket)
  if (typeof symbols === 'string' || typeof handle?.useUserBuffer !== 'function') {
    return
  }
  const fields = socket as unknown as Record<symbol, unknown>
  if (fields[symbols.buffer] == null || fields[symbols.buffer] === sharedReadBuffer) {
    return
  }
  fields[symbols.buffer] = sharedReadBuffer
  handle.useUserBuffer(sharedReadBuffer)
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
  const accepted = (socket: Socket): void => {
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
  }
  return loopbackSelfTest(accepted, async (client) => {
    client.end('wirekit')
    client.resume()
    await once(client, 'close')
    return seen === 'wirekit'
  })
}

/** How accepted sockets read: into memory the transport chooses, or through `'data'` events. */
export type ReadPath =
  { readonly kind: 'user-buffers'; readonly symbols: OnreadSymbols } | Fallback<'events'>

/** The environment variable that can choose `'data'` events (`WIREKIT_TCP_READS=events`). */
const READS_VARIABLE = 'WIREKIT_TCP_READS'

let detection: Promise<ReadPath> | undefined

function detect(): Promise<ReadPath> {
  const symbols = onreadSymbols()
  return detectFastPath({
    fallback: 'events',
    variable: READS_VARIABLE,
    missing: typeof symbols === 'string' ? symbols : undefined,
    selfTest: async () =>
      typeof symbols !== 'string' && (await roundTrip(symbols))
        ? { kind: 'user-buffers' as const, symbols }
        : undefined,
    roundTrip: 'a loopback read into a user buffer',
    name: 'the user-buffer self-test',
  })
}

/** How accepted sockets read in this process; checked once, with a loopback round trip. */
export function detectReadPath(): Promise<ReadPath> {
  detection ??= detect()
  return detection
}

/** The warning a server gives when it reads through events without being asked to. */
export function readPathWarning(path: ReadPath): string | undefined {
  return path.kind === 'events'
    ? fallbackWarning(
        path,
        READS_VARIABLE,
        "accepted sockets read through 'data' events, a copy per read",
      )
    : undefined
}

/**
 * The `onread` symbols when user-buffer reads work for accepted sockets in this process, else
 * `undefined`. Never rejects.
 */
export async function userBufferReadsAvailable(): Promise<OnreadSymbols | undefined> {
  const path = await detectReadPath()
  return path.kind === 'user-buffers' ? path.symbols : undefined
}

export type { OnreadSymbols }
