import type { Socket } from 'node:net'
import { STAGING_SIZE, writeStaging } from './write-staging.ts'

/**
 * Writes copies of the caller's bytes to one socket, reusing memory (see write-staging.ts): a
 * write that leaves at once costs a copy into the shared staging buffer and nothing else; a write
 * that stays pending borrows that buffer, and the writes queued behind it are appended to it while
 * it has room. The buffer goes back to the pool once the socket completed every write in it.
 */
export class SocketWriter {
  readonly #socket: Socket
  #lent: Buffer | undefined
  #lentUsed = 0
  /** The count of issued writes at which the lent buffer is free again. */
  #lentUntil = 0
  #issued = 0
  #completed = 0

  constructor(socket: Socket) {
    this.#socket = socket
  }

  /** Writes a copy of `data`; `callback` is called once the socket completed it. */
  write(data: Uint8Array, callback: () => void): void {
    const socket = this.#socket
    if (socket.writableLength === 0 && data.byteLength <= STAGING_SIZE) {
      socket.write(writeStaging.copy(data), callback)
      this.#issued += 1
      this.#borrow(writeStaging.settle(this.#pending()))
    } else {
      socket.write(this.#queuedCopy(data), callback)
      this.#issued += 1
    }
  }

  /** Writes copies of the chunks with the socket corked, so that they leave in one `writev`. */
  writeAll(chunks: readonly Uint8Array[], callback: () => void): void {
    const socket = this.#socket
    const staged = socket.writableLength === 0
    socket.cork()
    try {
      for (const chunk of chunks) {
        const copy =
          staged && chunk.byteLength <= STAGING_SIZE
            ? writeStaging.copy(chunk)
            : this.#queuedCopy(chunk)
        socket.write(copy, callback)
        this.#issued += 1
      }
    } finally {
      socket.uncork()
      if (staged) {
        this.#borrow(writeStaging.settle(this.#pending()))
      }
    }
  }

  /** Counts one completed write; call it from every write's callback. */
  completed(): void {
    this.#completed += 1
    if (this.#lent === undefined) {
      return
    }
    if (this.#socket.destroyed) {
      // Completions of a destroyed socket come out of order: leave the buffer to the collector.
      this.#lent = undefined
    } else if (this.#completed >= this.#lentUntil) {
      writeStaging.giveBack(this.#lent)
      this.#lent = undefined
    }
  }

  #pending(): boolean {
    return this.#socket.writableLength > 0
  }

  /** A copy for a write queued behind a pending one: in the lent buffer while it has room. */
  #queuedCopy(data: Uint8Array): Buffer {
    const lent = this.#lent
    if (lent === undefined || this.#lentUsed + data.byteLength > STAGING_SIZE) {
      return Buffer.from(data)
    }
    const copy = lent.subarray(this.#lentUsed, this.#lentUsed + data.byteLength)
    copy.set(data)
    this.#lentUsed += data.byteLength
    this.#lentUntil = this.#issued + 1
    return copy
  }

  #borrow(loan: { buffer: Buffer; used: number } | undefined): void {
    if (loan === undefined) {
      return
    }
    if (this.#lent !== undefined) {
      // Nothing was pending before this write, so nothing references the previous loan any more
      // (its completion callbacks may simply not have run yet).
      writeStaging.giveBack(this.#lent)
    }
    this.#lent = loan.buffer
    this.#lentUsed = loan.used
    this.#lentUntil = this.#issued
  }
}
