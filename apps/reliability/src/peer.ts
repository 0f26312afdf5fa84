import { createHash, randomBytes, type Hash } from 'node:crypto'
import { once } from 'node:events'
import { connect, type Socket } from 'node:net'

/**
 * A raw loopback socket, connected (from `localAddress`, when given). Rejects with the socket
 * error (its `code`, e.g. `ECONNREFUSED`).
 */
export async function connectPeer(
  host: string,
  port: number,
  timeoutMs = 10_000,
  localAddress?: string,
): Promise<Socket> {
  const socket = connect({
    host,
    port,
    noDelay: true,
    ...(localAddress == null ? {} : { localAddress }),
  })
  const timer = setTimeout(() => {
    socket.destroy(new Error(`connect to ${host} port ${port} timed out after ${timeoutMs} ms`))
  }, timeoutMs)
  try {
    await once(socket, 'connect')
    return socket
  } catch (error) {
    socket.destroy()
    throw error
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Tries a connect and tells how it went: `connected` (the socket is closed again at once), or
 * the error's code (`ECONNREFUSED` for a server that stopped listening).
 */
export async function tryConnect(host: string, port: number, timeoutMs = 5000): Promise<string> {
  try {
    const socket = await connectPeer(host, port, timeoutMs)
    socket.destroy()
    return 'connected'
  } catch (error) {
    return (error as { code?: string }).code ?? String(error)
  }
}

/** How the receive side of a peer socket ended. */
export type PeerEnd = 'open' | 'eof' | 'reset' | 'error'

/**
 * Hashes and counts everything a socket receives, and notes how it ended (EOF, reset, error).
 * @example
 * ```ts
 * const receiver = new Receiver(socket)
 * await receiver.closed
 * receiver.digest() === expected
 * ```
 */
export class Receiver {
  readonly #hash: Hash = createHash('sha256')
  bytes = 0
  end: PeerEnd = 'open'
  error: (Error & { code?: string }) | undefined
  /** Resolves when the socket has closed (after its last byte and its end). */
  readonly closed: Promise<void>
  /** When (performance.now()) the socket closed, if it has. */
  closedAt: number | undefined
  #digest: string | undefined

  constructor(socket: Socket, onData?: (chunk: Buffer) => void) {
    socket.on('data', (chunk: Buffer) => {
      this.#hash.update(chunk)
      this.bytes += chunk.length
      onData?.(chunk)
    })
    socket.on('end', () => {
      if (this.end === 'open') {
        this.end = 'eof'
      }
    })
    socket.on('error', (error: Error & { code?: string }) => {
      this.error ??= error
      if (this.end === 'open') {
        this.end = error.code === 'ECONNRESET' || error.code === 'EPIPE' ? 'reset' : 'error'
      }
    })
    // Not events.once: it would reject on 'error', and a reset is an outcome here, not a failure.
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.closedAt = performance.now()
        resolve()
      })
    })
  }

  /** The SHA-256 of every byte received, in hex; ends the hash, so call it once reading is over. */
  digest(): string {
    this.#digest ??= this.#hash.digest('hex')
    return this.#digest
  }
}

/** Counts and hashes bytes as they are written. */
export class Sender {
  readonly #hash: Hash = createHash('sha256')
  bytes = 0
  #digest: string | undefined

  /** Notes a chunk about to be written and returns it. */
  take(chunk: Uint8Array): Uint8Array {
    this.#hash.update(chunk)
    this.bytes += chunk.length
    return chunk
  }

  digest(): string {
    this.#digest ??= this.#hash.digest('hex')
    return this.#digest
  }
}

/** Waits for `'drain'`, or resolves `false` if the socket closes first. */
export async function drained(socket: Socket): Promise<boolean> {
  if (socket.destroyed) {
    return false
  }
  return new Promise((resolve) => {
    const onDrain = (): void => {
      socket.off('close', onClose)
      resolve(true)
    }
    const onClose = (): void => {
      socket.off('drain', onDrain)
      resolve(false)
    }
    socket.once('drain', onDrain)
    socket.once('close', onClose)
  })
}

/**
 * Writes every chunk, waiting for `'drain'` whenever the socket asks to, and hashes what it wrote.
 * @returns `true` when everything was written, `false` when the socket closed first.
 */
export async function writeAll(
  socket: Socket,
  chunks: Iterable<Uint8Array>,
  sender: Sender,
): Promise<boolean> {
  for (const chunk of chunks) {
    if (socket.destroyed) {
      return false
    }
    if (!socket.write(sender.take(chunk)) && !(await drained(socket))) {
      return false
    }
  }
  return true
}

/**
 * Writes `block` again and again until the socket is blocked (a write returned `false` and no
 * `'drain'` came for `blockedMs`), closes, or `maxWrites` were made; `onWrite` is told of each
 * write. For peers that stop reading while the server owes them bytes.
 */
export async function writeUntilBlocked(
  socket: Socket,
  block: Uint8Array,
  onWrite: (chunk: Uint8Array) => Uint8Array = (chunk) => chunk,
  blockedMs = 500,
  maxWrites = 1024,
): Promise<void> {
  for (let written = 0; written < maxWrites && !socket.destroyed; written += 1) {
    if (!socket.write(onWrite(block))) {
      const outcome = await Promise.race([
        drained(socket),
        new Promise<'blocked'>((resolve) => setTimeout(() => resolve('blocked'), blockedMs)),
      ])
      if (outcome !== true) {
        return
      }
    }
  }
}

/** `total` random bytes in chunks of `size(i)` bytes (the last one cut to fit). */
export function* randomChunks(
  total: number,
  size: (index: number) => number = () => 64 * 1024,
): Generator<Uint8Array> {
  let left = total
  for (let index = 0; left > 0; index += 1) {
    const length = Math.min(left, Math.max(1, size(index)))
    left -= length
    yield randomBytes(length)
  }
}

/** What one echo exchange gave. */
export interface EchoOutcome {
  readonly sent: number
  readonly received: number
  readonly sentHash: string
  readonly receivedHash: string
  readonly end: PeerEnd | 'timeout'
  /** Byte-exact: same length and same SHA-256 both ways, ended by a clean EOF. */
  readonly exact: boolean
  readonly error?: string
}

/**
 * One echo exchange on a socket: writes every chunk, half-closes (FIN), reads until the server's
 * EOF, and compares SHA-256 both ways. Destroys the socket after `timeoutMs`.
 */
export async function echoOn(
  socket: Socket,
  chunks: Iterable<Uint8Array>,
  timeoutMs: number,
): Promise<EchoOutcome> {
  const receiver = new Receiver(socket)
  const sender = new Sender()
  const state = { timedOut: false }
  const timer = setTimeout(() => {
    state.timedOut = true
    socket.destroy()
  }, timeoutMs)
  try {
    if (await writeAll(socket, chunks, sender)) {
      socket.end()
    }
    await receiver.closed
  } finally {
    clearTimeout(timer)
  }
  const sentHash = sender.digest()
  const receivedHash = receiver.digest()
  const end = state.timedOut ? 'timeout' : receiver.end
  return {
    sent: sender.bytes,
    received: receiver.bytes,
    sentHash,
    receivedHash,
    end,
    exact: end === 'eof' && sender.bytes === receiver.bytes && sentHash === receivedHash,
    ...(receiver.error == null ? {} : { error: receiver.error.message }),
  }
}

/** Connects, then {@link echoOn}. A failed connect gives an outcome with `end: 'error'`. */
export async function echoOnce(
  host: string,
  port: number,
  chunks: Iterable<Uint8Array>,
  timeoutMs = 30_000,
): Promise<EchoOutcome> {
  let socket: Socket
  try {
    socket = await connectPeer(host, port, timeoutMs)
  } catch (error) {
    return {
      sent: 0,
      received: 0,
      sentHash: '',
      receivedHash: '',
      end: 'error',
      exact: false,
      error: error instanceof Error ? error.message : String(error),
    }
  }
  return echoOn(socket, chunks, timeoutMs)
}

/** A short description of an outcome, for check details. */
export function describeEcho(outcome: EchoOutcome): string {
  const sha = outcome.sentHash === outcome.receivedHash ? 'SHA-256 equal' : 'SHA-256 differ'
  return (
    `sent ${outcome.sent} B, received ${outcome.received} B, ${sha}, ended by ${outcome.end}` +
    (outcome.error == null ? '' : ` (${outcome.error})`)
  )
}

/**
 * Sends `message` on a persistent connection and resolves `true` once exactly the same bytes came
 * back; `false` on a mismatch, a close, or after `timeoutMs`.
 */
export async function pingPong(
  socket: Socket,
  message: Uint8Array,
  timeoutMs: number,
): Promise<boolean> {
  const chunks: Buffer[] = []
  let got = 0
  return new Promise((resolve) => {
    const finish = (ok: boolean): void => {
      clearTimeout(timer)
      socket.off('data', onData)
      socket.off('close', onClose)
      resolve(ok)
    }
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk)
      got += chunk.length
      if (got >= message.length) {
        finish(got === message.length && Buffer.concat(chunks).equals(message))
      }
    }
    const onClose = (): void => finish(false)
    const timer = setTimeout(() => finish(false), timeoutMs)
    socket.on('data', onData)
    socket.on('close', onClose)
    socket.write(message)
  })
}
