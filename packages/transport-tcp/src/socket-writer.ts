import type { Socket } from 'node:net'
import {
  directWriteDescriptor,
  handleOf,
  knownWritePath,
  writeDirect,
  writevDirect,
} from './direct-writes.ts'
import { STAGING_SIZE, writeStaging } from './write-staging.ts'

/**
 * Writes the caller's bytes to one socket without keeping a reference to the caller's memory.
 *
 * When nothing is queued and the process writes directly (see direct-writes.ts), the bytes go
 * straight to the descriptor from the caller's memory; only what the kernel did not take is
 * copied and queued. Otherwise the bytes are copied, reusing memory (see write-staging.ts): a
 * write that leaves at once costs a copy into the shared staging buffer and nothing else; a write
 * that stays pending borrows that buffer, and the writes queued behind it are appended to it
 * while it has room. The buffer goes back to the pool once the socket completed every write in it.
 */
export class SocketWriter {
  readonly #socket: Socket
  /** The socket's descriptor for direct writes, `-1` for none. */
  readonly #fd: number
  /** The handle `#fd` belongs to: once the socket loses it, the descriptor is not ours any more. */
  readonly #handle: unknown
  #lent: Buffer | undefined
  #lentUsed = 0
  /** The count of issued writes at which the lent buffer is free again. */
  #lentUntil = 0
  #issued = 0
  #completed = 0

  constructor(socket: Socket) {
    this.#socket = socket
    this.#fd = directWriteDescriptor(socket)
    this.#handle = handleOf(socket)
    if (this.#fd >= 0) {
      // Starts the detection where no server did (connections a client made).
      knownWritePath()
    }
  }

  /** Writes `data`; `callback` is called once the socket completed what it had to queue. */
  write(data: Uint8Array, callback: () => void): void {
    let rest = data
    if (this.#canWriteDirect()) {
      const written = writeDirect(this.#socket, this.#fd, data)
      // length, not byteLength: the same for a Uint8Array, and cheaper to read on Node 20.
      if (written < 0 || written === data.length) {
        return
      }
      rest = data.subarray(written)
    }
    this.#writeCopy(rest, callback)
  }

  /** Writes the chunks in order, as one batch (`writev`) where it can. */
  writeAll(chunks: readonly Uint8Array[], callback: () => void): void {
    let rest = chunks
    if (this.#canWriteDirect()) {
      const written = writevDirect(this.#socket, this.#fd, chunks)
      if (written < 0) {
        return
      }
      rest = unwritten(chunks, written)
      if (rest.length === 0) {
        return
      }
    }
    this.#writeAllCopies(rest, callback)
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

  /**
   * `true` when the next bytes may go straight to the descriptor: the process writes directly,
   * the socket still has its handle (a destroyed socket's descriptor may already be another
   * file's), and nothing is queued in the stream, so that the bytes cannot overtake any.
   */
  #canWriteDirect(): boolean {
    const socket = this.#socket
    return (
      this.#fd >= 0 &&
      handleOf(socket) === this.#handle &&
      socket.writableLength === 0 &&
      !socket.writableEnded &&
      knownWritePath()?.kind === 'direct'
    )
  }

  /** Writes a copy of `data`. */
  #writeCopy(data: Uint8Array, callback: () => void): void {
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
  #writeAllCopies(chunks: readonly Uint8Array[], callback: () => void): void {
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

/** What is left of `chunks` once their first `written` bytes have been sent. */
function unwritten(chunks: readonly Uint8Array[], written: number): readonly Uint8Array[] {
  let skipped = 0
  for (const [i, chunk] of chunks.entries()) {
    if (skipped + chunk.byteLength > written) {
      return [chunk.subarray(written - skipped), ...chunks.slice(i + 1)]
    }
    skipped += chunk.byteLength
  }
  return []
}
