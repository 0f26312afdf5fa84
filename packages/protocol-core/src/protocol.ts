import type { Transport } from './transport.ts'

/**
 * Callbacks every protocol has, whatever way it receives bytes (asyncio's `BaseProtocol`).
 *
 * Call order, guaranteed by every wirekit transport:
 *
 * ```text
 * connectionMade  once, first
 * dataReceived*   (or getBuffer/bufferUpdated for a BufferedProtocol)
 * eofReceived?    at most once, after the last data
 * connectionLost  once, last; nothing is delivered after it
 * ```
 *
 * `pauseWriting` and `resumeWriting` alternate, starting with a pause, between `connectionMade` and
 * `connectionLost`; `pauseWriting` may run inside the `write()` call that crossed the high-water
 * mark. `connectionLost` is never called re-entrantly: `close()` or `abort()` inside a callback
 * leads to it only after that callback has returned.
 */
export interface BaseProtocolCallbacks {
  /**
   * Called once when the connection is made, before any other callback.
   * @param transport - The transport of this connection: keep it to write, close or pause reading.
   */
  connectionMade(transport: Transport): void
  /**
   * Called once when the connection is lost or closed, after every other callback.
   * @param error - `undefined` after a regular close (`close()`, `abort()`, or both sides done);
   *   the error that ended the connection otherwise (a socket error such as `ECONNRESET`, or a
   *   {@link ProtocolCallbackError} when one of this protocol's callbacks threw).
   */
  connectionLost(error: Error | undefined): void
  /**
   * Called when the transport's write buffer goes strictly above its high-water mark: stop
   * producing data until {@link BaseProtocolCallbacks.resumeWriting} is called. Writes made
   * meanwhile are still buffered, not lost. Optional: a protocol that ignores flow control may
   * leave it out.
   */
  pauseWriting?(): void
  /** Called once the write buffer has drained to the low-water mark or below, after a pause. */
  resumeWriting?(): void
  /**
   * Called once when the server that accepted this connection starts draining (a rolling
   * deploy): finish what is under way and close; the server closes the connection itself at its
   * deadline. Optional: a protocol without it is closed at the deadline like any other.
   */
  drainRequested?(): void
}

/**
 * The callbacks of a streaming protocol (asyncio's `Protocol`): the transport owns the receive
 * buffer and hands the protocol each chunk of bytes as it arrives.
 */
export interface StreamProtocolCallbacks extends BaseProtocolCallbacks {
  /**
   * Called with each chunk of bytes received, in order. The chunk boundaries carry no meaning:
   * one `write()` by the peer may arrive in several chunks and several writes in one.
   * @param data - The bytes, never empty. The protocol owns them and may keep them.
   */
  dataReceived(data: Uint8Array): void
  /**
   * Called at most once, when the peer has finished sending (it half-closed: a TCP FIN).
   * @returns `false` to let the transport close itself (after flushing what was written), `true`
   *   to keep the write side open: the protocol then closes the transport when it is done.
   */
  eofReceived(): boolean
}

/**
 * The callbacks of a protocol that owns its receive memory (asyncio's `BufferedProtocol`): the
 * transport asks for a buffer, reads into it, and says how many bytes it wrote there.
 */
export interface BufferedProtocolCallbacks extends BaseProtocolCallbacks {
  /**
   * Called to get the memory the next received bytes go to: only after `connectionMade`, only
   * while the transport is reading (never while paused or closing), and only when bytes are about
   * to land. A transport that reads straight into this memory asks ahead of the read and asks
   * again once the read has completed; the bytes always end up at the start of the buffer returned
   * by the latest call, so a protocol may empty or replace its memory whenever it likes.
   * @param sizeHint - The size the transport would like; `-1` when it has no preference.
   * @returns A non-empty buffer; the transport writes at most its length, from its start.
   */
  getBuffer(sizeHint: number): Uint8Array
  /**
   * Called after a read with the number of bytes written at the start of the last buffer
   * returned by {@link BufferedProtocolCallbacks.getBuffer}.
   */
  bufferUpdated(nbytes: number): void
  /** As {@link StreamProtocolCallbacks.eofReceived}. */
  eofReceived(): boolean
}

/** Any protocol a transport can drive: a streaming one or a buffered one. */
export type AnyProtocol = StreamProtocolCallbacks | BufferedProtocolCallbacks

/**
 * Makes a new protocol for each connection (asyncio's `protocol_factory`).
 * @example
 * ```ts
 * const factory: ProtocolFactory<EchoServer> = () => new EchoServer()
 * ```
 */
export type ProtocolFactory<TProtocol extends AnyProtocol = AnyProtocol> = () => TProtocol

/**
 * A streaming protocol with no-op callbacks, to extend. With `noImplicitOverride` each callback is
 * declared `override`, so a misspelt one (`override connnectionLost`) does not compile.
 *
 * @example
 * ```ts
 * class EchoServer extends Protocol {
 *   override dataReceived(data: Uint8Array): void {
 *     this.transport?.write(data)
 *   }
 * }
 * ```
 */
export class Protocol implements StreamProtocolCallbacks {
  /** The transport given to {@link Protocol.connectionMade}; `undefined` before it. */
  transport: Transport | undefined

  /** Keeps the transport in {@link Protocol.transport}. Call `super.connectionMade(t)` when overriding. */
  connectionMade(transport: Transport): void {
    this.transport = transport
  }

  /** Does nothing by default. */
  dataReceived(_data: Uint8Array): void {
    // Data is dropped unless a subclass takes it.
  }

  /** Returns `false` by default: the transport closes itself. */
  eofReceived(): boolean {
    return false
  }

  /** Does nothing by default. */
  connectionLost(_error: Error | undefined): void {
    // Nothing to release by default.
  }

  /** Does nothing by default. */
  pauseWriting(): void {
    // Nothing to pause in a protocol that does not produce data.
  }

  /** Does nothing by default. */
  resumeWriting(): void {
    // Nothing to resume in a protocol that does not produce data.
  }
}

/**
 * A buffered protocol with no-op callbacks, to extend; it must implement `getBuffer` and
 * `bufferUpdated`.
 *
 * @example
 * ```ts
 * class Counter extends BufferedProtocol {
 *   readonly buffer = new Uint8Array(64 * 1024)
 *   total = 0
 *   override getBuffer(): Uint8Array {
 *     return this.buffer
 *   }
 *   override bufferUpdated(nbytes: number): void {
 *     this.total += nbytes
 *   }
 * }
 * ```
 */
export abstract class BufferedProtocol implements BufferedProtocolCallbacks {
  /** The transport given to {@link BufferedProtocol.connectionMade}; `undefined` before it. */
  transport: Transport | undefined

  /** Keeps the transport in {@link BufferedProtocol.transport}. */
  connectionMade(transport: Transport): void {
    this.transport = transport
  }

  /** Returns the memory to read into: see {@link BufferedProtocolCallbacks.getBuffer}. */
  abstract getBuffer(sizeHint: number): Uint8Array

  /** Takes the bytes just read: see {@link BufferedProtocolCallbacks.bufferUpdated}. */
  abstract bufferUpdated(nbytes: number): void

  /** Returns `false` by default: the transport closes itself. */
  eofReceived(): boolean {
    return false
  }

  /** Does nothing by default. */
  connectionLost(_error: Error | undefined): void {
    // Nothing to release by default.
  }

  /** Does nothing by default. */
  pauseWriting(): void {
    // Nothing to pause in a protocol that does not produce data.
  }

  /** Does nothing by default. */
  resumeWriting(): void {
    // Nothing to resume in a protocol that does not produce data.
  }
}

/**
 * Tells a buffered protocol from a streaming one, as transports must before each read.
 * @example
 * ```ts
 * if (isBufferedProtocol(protocol)) protocol.getBuffer(-1)
 * ```
 */
export function isBufferedProtocol(protocol: AnyProtocol): protocol is BufferedProtocolCallbacks {
  return typeof (protocol as Partial<BufferedProtocolCallbacks>).getBuffer === 'function'
}
