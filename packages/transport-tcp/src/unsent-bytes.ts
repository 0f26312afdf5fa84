/**
 * How many bytes written to a socket are still in user space: what asyncio's
 * `get_write_buffer_size()` counts, and what the water marks must act on.
 *
 * Node's public `socket.writableLength` counts a write until it completes, including the part the
 * kernel already took: after a 64 MiB write to a peer that does not read, it says 64 MiB while only
 * ~63 MB wait in the process. Two fields Node keeps give the exact figure: the writable state's
 * `writelen` (the bytes of the write in progress) and the handle's `writeQueueSize` (what libuv
 * still holds of it). Where they are missing, `writableLength` is the answer: it never counts too
 * little, so flow control pauses early rather than late.
 */
import type { Socket } from 'node:net'

interface SocketInternals {
  readonly _writableState?: { readonly writelen?: unknown } | undefined
  readonly _handle?: { readonly writeQueueSize?: unknown } | null | undefined
}

/** The bytes written to `socket` and not yet handed to the kernel. */
export function unsentBytes(socket: Socket): number {
  const length = socket.writableLength
  if (length === 0) {
    return 0
  }
  const { _writableState: state, _handle: handle } = socket as unknown as SocketInternals
  const inProgress = state?.writelen
  const queued = handle?.writeQueueSize
  if (typeof inProgress !== 'number' || typeof queued !== 'number') {
    return length
  }
  return length - inProgress + queued
}

/**
 * `true` when sockets of this Node expose the fields {@link unsentBytes} needs (checked on a fresh
 * socket's state; the handle's field on a connected one, by the tests of every Node line).
 */
export function unsentBytesExact(socket: Socket): boolean {
  const { _writableState: state, _handle: handle } = socket as unknown as SocketInternals
  return typeof state?.writelen === 'number' && typeof handle?.writeQueueSize === 'number'
}

interface TLSSocketInternals extends SocketInternals {
  readonly _parent?: SocketInternals | null | undefined
}

/**
 * {@link unsentBytes} for a TLS socket. Its write in progress is encrypted whole at once; the
 * TLS layer's `writeQueueSize` is the encrypted size of it, and the TCP handle under it holds the
 * part the kernel has not taken yet. Their ratio tells how much of the plaintext is still in the
 * process. Where a field is missing, `writableLength`, as for TCP.
 */
export function unsentTLSBytes(socket: Socket): number {
  const length = socket.writableLength
  if (length === 0) {
    return 0
  }
  const tls = socket as unknown as TLSSocketInternals
  const inProgress = tls._writableState?.writelen
  const encrypted = tls._handle?.writeQueueSize
  const unsentEncrypted = tls._parent?._handle?.writeQueueSize
  if (
    typeof inProgress !== 'number' ||
    typeof encrypted !== 'number' ||
    typeof unsentEncrypted !== 'number'
  ) {
    return length
  }
  const unsentOfWrite =
    encrypted === 0 ? 0 : Math.ceil((inProgress * Math.min(unsentEncrypted, encrypted)) / encrypted)
  return length - inProgress + unsentOfWrite
}
