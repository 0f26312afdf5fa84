import { createHash, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { connect } from 'node:net'

/** What connecting to a Unix socket path gives: `'connected'` or the error's code. */
export function tryUnixConnect(path: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ path })
    socket.once('connect', () => {
      socket.destroy()
      resolve('connected')
    })
    socket.once('error', (error: NodeJS.ErrnoException) => {
      resolve(error.code ?? error.message)
    })
  })
}

/** What one echo over a Unix socket gave back. */
export interface UnixEcho {
  /** The same bytes, in order, then EOF. */
  readonly exact: boolean
  readonly sent: number
  readonly received: number
  /** The socket error, if the exchange ended with one. */
  readonly error: string | undefined
}

/** Sends `bytes` random bytes over a fresh connection to `path`, half-closes, reads to EOF. */
export async function unixEcho(path: string, bytes: number): Promise<UnixEcho> {
  const payload = randomBytes(bytes)
  const socket = connect({ path, allowHalfOpen: true })
  const received: Buffer[] = []
  let error: string | undefined
  socket.on('data', (chunk: Buffer) => received.push(chunk))
  socket.on('error', (cause: NodeJS.ErrnoException) => {
    error = cause.code ?? cause.message
  })
  try {
    await once(socket, 'connect')
  } catch {
    return { exact: false, sent: 0, received: 0, error }
  }
  socket.end(payload)
  // Not once(socket, 'close'): it rejects on 'error', and a reset is an outcome to report here.
  await new Promise((resolve) => socket.once('close', resolve))
  const echoed = Buffer.concat(received)
  const digest = (data: Buffer): string => createHash('sha256').update(data).digest('hex')
  return {
    exact: error === undefined && digest(echoed) === digest(payload),
    sent: payload.length,
    received: echoed.length,
    error,
  }
}
