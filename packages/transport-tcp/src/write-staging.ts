/**
 * Where `write()` copies the caller's bytes before handing them to the socket.
 *
 * The copy is what the contract requires (changing the caller's array after `write()` must not
 * change what is sent, and Node keeps a reference to a chunk it cannot send at once). Copying
 * into a fresh allocation per write costs an allocation and, for large chunks, page faults on
 * memory V8 frees late; so the bytes are copied into one buffer shared by every transport of the
 * process (JavaScript runs one write at a time). When the socket took the bytes at once, the
 * buffer is free again; when a write stays pending, the socket keeps the buffer and the next
 * write gets a new one.
 */

/** Writes larger than this are copied into a buffer of their own. */
export const STAGING_SIZE = 256 * 1024

let staging = Buffer.allocUnsafeSlow(STAGING_SIZE)
let used = 0

/**
 * Copies `data` into the shared buffer and returns the copy. Call {@link settleStaging} right
 * after handing the copy to the socket, before any other write.
 */
export function stageCopy(data: Uint8Array): Buffer {
  if (used + data.byteLength > STAGING_SIZE) {
    // Only corked batches fill the buffer up; what they staged so far is still unsent.
    staging = Buffer.allocUnsafeSlow(STAGING_SIZE)
    used = 0
  }
  const copy = staging.subarray(used, used + data.byteLength)
  copy.set(data)
  used += data.byteLength
  return copy
}

/**
 * Tells whether the staged copies are still referenced by a pending write: if so the shared
 * buffer is left to that write and replaced, else it is reused from its start.
 */
export function settleStaging(pending: boolean): void {
  if (pending) {
    staging = Buffer.allocUnsafeSlow(STAGING_SIZE)
  }
  used = 0
}
