import type { Socket } from 'node:net'
import {
  directWriteDescriptor,
  handleOf,
  knownWritePath,
  writeDirect,
  writevDirect,
} from './direct-writes.ts'
import { writeStaging, type StagingChunk } from './write-staging.ts'

/**
 * Writes the caller's bytes to one socket without keeping a reference to the caller's memory.
 *
 * When nothing is queued and the process writes directly (see direct-writes.ts), the bytes go
 * straight to the descriptor from the caller's memory; only what the kernel did not take is
 * copied and queued. Otherwise the bytes are copied:
 *
 * - a write issued while nothing is queued is copied into the shared staging chunks (see
 *   write-staging.ts) and released as soon as the socket does not need it any more: at once when
 *   the socket sent it, else when its write completes (TLS writes always complete a moment later);
 * - a write queued behind a pending one gets a copy of its own, so that a socket whose peer stopped
 *   reading holds at most one staged write, and with it at most one staging chunk.
 */
export class SocketWriter {
  readonly #socket: Socket
  /** The socket's descriptor for direct writes, `-1` for none. */
  readonly #fd: number
  /** The handle `#fd` belongs to: once the socket loses it, the descriptor is not ours any more. */
  readonly #handle: unknown
  /**
   * The staging chunks of the one staged write (or corked batch) still pending, one per copy;
   * made on the first staged write (an idle connection never has one).
   */
  #held: StagingChunk[] | undefined
  /** The count of completed writes at which `#held` is free. */
  #heldUntil = 0
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
    const socket = this.#socket
    if (socket.writableLength > 0) {
      socket.write(Buffer.from(rest), callback)
      this.#issued += 1
      return
    }
    socket.write(this.#stage(rest), callback)
    this.#issued += 1
    this.#settle()
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
    const socket = this.#socket
    const staged = socket.writableLength === 0
    // Corked, so that the copies leave in one writev.
    socket.cork()
    try {
      for (const chunk of rest) {
        const copy = staged ? this.#stage(chunk) : Buffer.from(chunk)
        socket.write(copy, callback)
        this.#issued += 1
      }
    } finally {
      socket.uncork()
    }
    if (staged) {
      this.#settle()
    }
  }

  /** Counts one completed write; call it from every write's callback. */
  completed(): void {
    this.#completed += 1
    const held = this.#held
    if (held === undefined || held.length === 0 || this.#completed < this.#heldUntil) {
      return
    }
    if (this.#socket.destroyed) {
      // Completions of a destroyed socket come out of order: its chunks are never reused.
      for (const chunk of held) {
        writeStaging.abandon(chunk)
      }
      held.length = 0
    } else {
      this.#releaseHeld()
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

  /**
   * A staged copy of `data`, held until {@link SocketWriter.#settle} or its completion releases it;
   * a copy of its own when the staging cannot take it (too large, or too many chunks held).
   */
  #stage(data: Uint8Array): Buffer {
    if (!writeStaging.canCopy(data.length)) {
      return Buffer.from(data)
    }
    const copy = writeStaging.copy(data)
    ;(this.#held ??= []).push(writeStaging.lastChunk)
    return copy
  }

  /**
   * After staged writes: releases them when the socket sent them at once (with nothing queued, it
   * reads none of its buffers any more), else keeps them until the write issued last completes.
   */
  #settle(): void {
    if (this.#socket.writableLength === 0) {
      this.#releaseHeld()
    } else {
      this.#heldUntil = this.#issued
    }
  }

  #releaseHeld(): void {
    const held = this.#held
    if (held === undefined) {
      return
    }
    for (const chunk of held) {
      writeStaging.release(chunk)
    }
    held.length = 0
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
