/**
 * Writes straight to a plain socket's descriptor, the one place writes rely on Node internals.
 *
 * Node's public `socket.write()` runs every write through its `Writable` stream machinery (a
 * write request object, a callback in the next tick), and wirekit must copy the caller's bytes
 * first, since Node keeps a reference to a chunk it cannot send at once and the caller may change
 * its array as soon as `write()` returns. When nothing is queued, the kernel usually takes the
 * whole write at once: written with `fs.writeSync()` to the socket's descriptor (non-blocking,
 * as libuv keeps it), such a write costs one system call from the caller's own memory, and only
 * what the kernel did not take is copied and queued the usual way.
 *
 * It relies on three things Node does not document: the handle's `fd`, the socket's
 * `_unrefTimer()` (what Node calls on every write to push back the idle timeout), and the
 * `bytesWritten` getter of `net.Socket.prototype`, which a socket written to directly extends by
 * the bytes it wrote, so that `socket.bytesWritten` stays exact. {@link detectWritePath} checks
 * once per process that they exist and that a loopback round trip written this way arrives after
 * a write queued through the stream, in order; when they do not, sockets write through the
 * stream alone and servers say why (one warning per server), unless `WIREKIT_TCP_WRITES=stream`
 * asked for that.
 */
import { once } from 'node:events'
import { writeSync, writevSync } from 'node:fs'
import { Socket } from 'node:net'
import { detectFastPath, fallbackWarning, type Fallback } from './fast-path-detection.ts'
import { loopbackSelfTest } from './loopback-self-test.ts'

/** How plain sockets write: straight to the descriptor when nothing is queued, or through the stream. */
export type WritePath = { readonly kind: 'direct' } | Fallback<'stream'>

/** The environment variable that can choose the stream (`WIREKIT_TCP_WRITES=stream`). */
const WRITES_VARIABLE = 'WIREKIT_TCP_WRITES'

interface SocketInternals {
  readonly _handle?: { readonly fd?: unknown } | null | undefined
  readonly _unrefTimer?: (() => void) | undefined
  [directBytesKey]?: number
}

/** The bytes a socket's transport wrote straight to its descriptor, for `bytesWritten`. */
const directBytesKey = Symbol('wirekit.directBytes')

/** Node's `bytesWritten` getter: what went through the stream. */
const streamBytesWritten = Object.getOwnPropertyDescriptor(Socket.prototype, 'bytesWritten')

/** Node's own count (what went through the stream) plus the bytes written to the descriptor. */
function bytesWrittenWithDirect(this: Socket): unknown {
  const bytes: unknown = streamBytesWritten?.get?.call(this)
  return typeof bytes === 'number'
    ? bytes + ((this as SocketInternals)[directBytesKey] ?? 0)
    : bytes
}

/** What this Node lacks for direct writes, or `undefined` when it has everything. */
function missingInternals(): string | undefined {
  if (typeof streamBytesWritten?.get !== 'function') {
    return `net.Socket.prototype has no bytesWritten getter on Node ${process.version}`
  }
  if (typeof (Socket.prototype as SocketInternals)._unrefTimer !== 'function') {
    return `net.Socket.prototype has no _unrefTimer() on Node ${process.version}`
  }
  return undefined
}

/**
 * The descriptor of a plain (not TLS) connected socket, ready for {@link writeDirect}, or `-1`
 * when it has none (not connected, a platform without descriptors, a TLS socket, whose bytes
 * must go through the TLS engine). Makes the socket's `bytesWritten` count direct writes.
 */
export function directWriteDescriptor(socket: Socket): number {
  const fd = (socket as SocketInternals)._handle?.fd
  if ((socket as { encrypted?: unknown }).encrypted === true) {
    return -1
  }
  if (typeof fd !== 'number' || !Number.isInteger(fd) || fd < 0) {
    return -1
  }
  if (missingInternals() !== undefined) {
    return -1
  }
  ;(socket as SocketInternals)[directBytesKey] = 0
  Object.defineProperty(socket, 'bytesWritten', {
    configurable: true,
    enumerable: true,
    get: bytesWrittenWithDirect,
  })
  return fd
}

/** The handle whose descriptor {@link directWriteDescriptor} returned: gone once the socket is destroyed. */
export function handleOf(socket: Socket): unknown {
  return (socket as SocketInternals)._handle
}

/** A write error shaped as Node's stream gives it (`write EPIPE`, with `errno`, `code`, `syscall`). */
function streamWriteError(error: unknown): Error {
  const { errno, code } = error as NodeJS.ErrnoException
  return Object.assign(new Error(`write ${String(code)}`), { errno, code, syscall: 'write' })
}

/** Counts bytes written directly and pushes back the idle timeout, as Node does on every write. */
function settle(socket: Socket, written: number): number {
  const internals = socket as SocketInternals
  internals[directBytesKey] = (internals[directBytesKey] ?? 0) + written
  internals._unrefTimer?.call(socket)
  return written
}

/**
 * A direct write that failed: `0` when the kernel's buffer is full (the bytes then queue the usual
 * way); else `-1`, and the socket is destroyed with the error as Node's stream would destroy it.
 */
function failed(socket: Socket, error: unknown): number {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'EAGAIN' || code === 'EWOULDBLOCK') {
    return 0
  }
  socket.destroy(streamWriteError(error))
  return -1
}

/**
 * Writes as much of `data` as the kernel takes now to `fd`, the descriptor of `socket`, which
 * must have nothing queued. Returns the bytes written (0 when the kernel's buffer is full), or
 * `-1` when the socket failed.
 */
export function writeDirect(socket: Socket, fd: number, data: Uint8Array): number {
  let written: number
  try {
    written = writeSync(fd, data)
  } catch (error) {
    return failed(socket, error)
  }
  return settle(socket, written)
}

/** {@link writeDirect} for several chunks, in one `writev`. */
export function writevDirect(socket: Socket, fd: number, chunks: readonly Uint8Array[]): number {
  let written: number
  try {
    written = writevSync(fd, chunks)
  } catch (error) {
    return failed(socket, error)
  }
  return settle(socket, written)
}

/** One write queued through the stream, then one straight to the descriptor: the peer must get both, in order. */
async function roundTrip(): Promise<boolean> {
  let seen = ''
  const accepted = (socket: Socket): void => {
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.toString('latin1')
    })
    socket.on('end', () => socket.end())
    socket.on('error', () => undefined)
    socket.resume()
  }
  return loopbackSelfTest(accepted, async (client) => {
    const fd = directWriteDescriptor(client)
    await new Promise<void>((resolve) => client.write('wire', () => resolve()))
    if (fd < 0 || client.writableLength !== 0) {
      return false
    }
    if (writeDirect(client, fd, Buffer.from('kit', 'latin1')) !== 3) {
      return false
    }
    client.end()
    client.resume()
    await once(client, 'close')
    return seen === 'wirekit' && client.bytesWritten === 7
  })
}

function detect(): Promise<WritePath> {
  return detectFastPath({
    fallback: 'stream',
    variable: WRITES_VARIABLE,
    missing: missingInternals(),
    selfTest: async () => ((await roundTrip()) ? { kind: 'direct' as const } : undefined),
    roundTrip: "a loopback write to the socket's descriptor",
    name: 'the direct-write self-test',
  })
}

let detection: Promise<WritePath> | undefined
let detected: WritePath | undefined

/** How plain sockets write in this process; checked once, with a loopback round trip. */
export function detectWritePath(): Promise<WritePath> {
  detection ??= detect().then((path) => {
    detected = path
    return path
  })
  return detection
}

/**
 * The write path once {@link detectWritePath} has settled, else `undefined` (and the detection
 * starts): until then, sockets write through the stream.
 */
export function knownWritePath(): WritePath | undefined {
  if (detected === undefined) {
    void detectWritePath()
  }
  return detected
}

/** The warning a server gives when sockets write through the stream without being asked to. */
export function writePathWarning(path: WritePath): string | undefined {
  return path.kind === 'stream'
    ? fallbackWarning(
        path,
        WRITES_VARIABLE,
        "sockets write through Node's stream, a copy per write",
      )
    : undefined
}
