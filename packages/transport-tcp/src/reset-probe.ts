/**
 * Tells a connection reset from an end of stream when libuv reported the end without reading it.
 *
 * libuv ends a TCP stream without a last `read()` when the socket polls POLLHUP right after a
 * short read (`uv__stream_io`). A reset sets POLLHUP too, so a peer's RST can reach Node as a
 * clean EOF, and the error the kernel holds for it is never read: asyncio, which reads, reports
 * the reset. Reading the descriptor once more after the end tells them apart: a real EOF reads
 * 0 bytes, a reset fails with its error. The descriptor is non-blocking, so this never waits.
 */
import { readSync } from 'node:fs'
import type { Socket } from 'node:net'

type SocketWithHandle = Socket & { _handle?: { fd?: unknown } | null }

const probeBuffer = new Uint8Array(1)

/**
 * The error a socket's connection ended with, if the kernel still holds one after Node reported
 * an end of stream: `ECONNRESET` after a reset. `undefined` for a real EOF, and wherever the
 * descriptor cannot be read (no handle, or a platform without descriptors).
 */
export function pendingConnectionError(socket: Socket): Error | undefined {
  const fd = (socket as SocketWithHandle)._handle?.fd
  if (typeof fd !== 'number' || fd < 0) {
    return undefined
  }
  let nread: number
  try {
    nread = readSync(fd, probeBuffer, 0, 1, null)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    return code === 'EAGAIN' || code === 'EWOULDBLOCK' ? undefined : (error as Error)
  }
  if (nread === 0) {
    return undefined
  }
  // Bytes after the end: the stream did not end where Node said; what follows is lost.
  return Object.assign(new Error('read ECONNRESET: the connection ended with bytes unread'), {
    code: 'ECONNRESET',
    syscall: 'read',
  })
}
