import type { Socket } from 'node:net'
import {
  createProxyHeaderParser,
  type ProxyHeader,
  type ProxyHeaderParser,
} from '@wirekit/proxy-protocol'
import type { ResolvedProxyOptions } from './proxy-options.ts'
import { sharedReadBuffer } from './read-buffer.ts'
import {
  installUserBufferReads,
  type OnreadSymbols,
  type UserBufferReader,
} from './user-buffer-reads.ts'

/** What becomes of the header of one connection. */
export interface ProxyHeaderOutcome {
  /**
   * A complete, valid header; `rest` is an owned copy of what followed it (the protocol's first
   * bytes, or the TLS ClientHello). The socket is paused.
   */
  readonly header: (header: ProxyHeader, rest: Uint8Array) => void
  /** No valid header (the socket is destroyed already): why, in a few words. */
  readonly failed: (reason: string) => void
  /** The peer closed (or reset) the connection before sending a single byte. */
  readonly vanished: () => void
}

/**
 * Reads the PROXY header at the start of an accepted socket, before any protocol exists: into the
 * shared read buffer where sockets read into memory the transport chooses (and then hands those
 * reads on to the transport, see {@link ProxyHeaderReader.forwardTo}), else through `'data'`
 * events. Gives up at the first invalid byte, past the size limit, or when the header is late.
 */
export class ProxyHeaderReader implements UserBufferReader {
  readonly #socket: Socket
  readonly #parser: ProxyHeaderParser
  readonly #outcome: ProxyHeaderOutcome
  #timer: NodeJS.Timeout | undefined
  #next: UserBufferReader | undefined
  #settled = false
  readonly #onData = (chunk: Buffer): void => {
    this.#push(chunk)
  }
  readonly #onClose = (): void => {
    if (this.#bytesSeen === 0 && !this.#settled) {
      this.#settle()
      this.#socket.destroy()
      this.#outcome.vanished()
      return
    }
    this.#fail('the connection ended before its PROXY header')
  }
  #bytesSeen = 0

  constructor(socket: Socket, options: ResolvedProxyOptions, outcome: ProxyHeaderOutcome) {
    this.#socket = socket
    this.#outcome = outcome
    this.#parser = createProxyHeaderParser({
      versions: options.versions,
      ...(options.maxHeaderSize === undefined ? {} : { maxHeaderSize: options.maxHeaderSize }),
    })
    if (options.timeout > 0) {
      this.#timer = setTimeout(() => {
        this.#fail(`no PROXY header within ${options.timeout} ms`)
      }, options.timeout)
      this.#timer.unref()
    }
  }

  /** Starts reading the socket (accepted paused); `userBuffers` when it may read into user memory. */
  start(userBuffers: OnreadSymbols | undefined): void {
    const socket = this.#socket
    socket.on('error', ignore)
    socket.once('close', this.#onClose)
    socket.once('end', this.#onClose)
    if (userBuffers === undefined || !installUserBufferReads(socket, userBuffers, this)) {
      socket.on('data', this.#onData)
    }
    socket.resume()
  }

  /** After the header: the socket's reads go to `reader` (the connection's transport). */
  forwardTo(reader: UserBufferReader): void {
    this.#next = reader
  }

  nextBuffer(): Uint8Array {
    return this.#next === undefined ? sharedReadBuffer : this.#next.nextBuffer()
  }

  onRead(nread: number, buffer: Uint8Array): void {
    if (this.#next === undefined) {
      this.#push(buffer.subarray(0, nread))
    } else {
      this.#next.onRead(nread, buffer)
    }
  }

  #push(chunk: Uint8Array): void {
    if (this.#settled) {
      return
    }
    this.#bytesSeen += chunk.byteLength
    const result = this.#parser.push(chunk)
    if (result.status === 'need-more') {
      return
    }
    if (result.status === 'invalid') {
      this.#fail(`invalid PROXY header: ${result.message}`)
      return
    }
    this.#settle()
    this.#socket.pause()
    // The rest is a view into memory the next read overwrites: the transport gets a copy.
    this.#outcome.header(result.header, Buffer.from(result.rest))
  }

  #fail(reason: string): void {
    if (this.#settled) {
      return
    }
    this.#settle()
    this.#socket.destroy()
    this.#outcome.failed(reason)
  }

  #settle(): void {
    this.#settled = true
    clearTimeout(this.#timer)
    this.#socket.off('data', this.#onData)
    this.#socket.off('close', this.#onClose)
    this.#socket.off('end', this.#onClose)
    this.#socket.off('error', ignore)
  }
}

function ignore(): void {
  // Errors before the header end in 'close', which is what counts.
}
