import type { Socket } from 'node:net'

/**
 * Writes `bytes` one byte per write, `everyMs` apart (the last byte together with `then`, if
 * given). Resolves `false` if the socket closed first.
 */
export async function writeTrickled(
  socket: Socket,
  bytes: Uint8Array,
  everyMs: number,
  then?: Uint8Array,
): Promise<boolean> {
  for (let index = 0; index < bytes.length; index += 1) {
    if (socket.destroyed) {
      return false
    }
    const last = index === bytes.length - 1
    const byte = bytes.subarray(index, index + 1)
    socket.write(last && then != null ? Buffer.concat([byte, then]) : byte)
    if (!last) {
      await new Promise((resolve) => setTimeout(resolve, everyMs))
    }
  }
  return !socket.destroyed
}
