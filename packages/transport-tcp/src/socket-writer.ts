import type { Socket } from 'node:net'
import {
  directWriteDescriptor,
  handleOf,
  knownWritePath,
  writeDirect,
  writevDirect,
} from './direct-writes.ts'
import { STAGING_SIZE, writeStaging, type StagingChunk } from './write-staging.ts'

/**
 * Writes the caller's bytes to one socket without keeping a reference to the caller's memory.
 *
 * When nothing is queued and the process writes directly (see direct-writes.ts), the bytes go
 * straight to the descriptor from the caller's memory; only what the kernel did not take is
 * copied and queued. Otherwise the bytes are copied into the shared staging chunks (see
 * write-staging.ts), and each copy is released as soon as the socket does not need it any more:
 * at once when the socket sent it, else when its write completes.
 */
export class SocketWriter {
  readonly #socket: Socket
  /** The socket's descriptor for direct writes, `-1` for none. */
  readonly #fd: number
  /** The handle `#fd` belongs to: once the socket loses it, the descriptor is not ours any more. */
  readonly #handle: unknown
  /** The staging chunks of pending copies, oldest first, and the count of completed writes that frees each. */
  readonly #held: StagingChunk[] = []
  readonly #heldUntil: number[] = []
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
    this.#releaseSent()
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
    // Corked, so that the copies leave in one writev.
    socket.cork()
    try {
      for (const chunk of rest) {
        this.#writeCopy(chunk, callback)
      }
    } finally {
      socket.uncork()
    }
    this.#releaseSent()
  }

  /** Counts one completed write; call it from every write's callback. */
  completed(): void {
    this.#completed += 1
    const held = this.#held
    if (held.length === 0) {
      return
    }
    if (this.#socket.destroyed) {
      // Completions of a destroyed socket come out of order: leave the chunks to the collector.
      held.length = 0
      this.#heldUntil.length = 0
      return
    }
    const until = this.#heldUntil
    while ((until[0] ?? Infinity) <= this.#completed) {
      until.shift()
      const chunk = held.shift()
      if (chunk !== undefined) {
        writeStaging.release(chunk)
      }
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

  /** Writes a copy of `data`, staged when it fits in a chunk; the staged copy is held. */
  #writeCopy(data: Uint8Array, callback: () => void): void {
    if (data.length > STAGING_SIZE) {
      this.#socket.write(Buffer.from(data), callback)
      this.#issued += 1
      return
    }
    const copy = writeStaging.copy(data)
    this.#held.push(writeStaging.lastChunk)
    this.#socket.write(copy, callback)
    this.#issued += 1
    this.#heldUntil.push(this.#issued)
  }

  /** Releases the copies the socket has sent already: with nothing queued, it reads none of them. */
  #releaseSent(): void {
    if (this.#socket.writableLength > 0) {
      return
    }
    for (const chunk of this.#held) {
      writeStaging.release(chunk)
    }
    this.#held.length = 0
    this.#heldUntil.length = 0
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
