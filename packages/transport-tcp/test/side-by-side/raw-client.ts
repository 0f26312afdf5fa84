import { once } from 'node:events'
import { connect, type Socket } from 'node:net'
import type { ServerSide } from './server-side.ts'
import type { Action } from './trace.ts'
import { Waitable } from './waitable.ts'

/** How much of what the server sends the client keeps as text, to find markers in. */
const TRANSCRIPT_LIMIT = 64 * 1024

/**
 * The peer of both servers: a plain `net.Socket` driven by a scenario's steps, the same bytes at
 * the same moments whichever server it talks to. It keeps count of what it sent and received.
 */
export class RawClient extends Waitable {
  readonly socket: Socket
  readonly server: ServerSide
  /** The client's port, as the server sees it (set once connected). */
  port = 0
  /** Everything the client sent (latin1). */
  sent = ''
  /** How many bytes the server sent that the client has read. */
  received = 0
  /** The first {@link TRANSCRIPT_LIMIT} bytes the server sent (latin1). */
  transcript = ''
  /** `received` each time a step made the server's protocol act. */
  readonly receivedAtCommands: number[] = []
  /** How the server ended the connection, as the client saw it: `eof`, `close` or an error code. */
  endedBy: string | undefined

  private constructor(socket: Socket, server: ServerSide) {
    super()
    this.socket = socket
    this.server = server
  }

  /** Connects to `server`; the client reads what it sends unless `reading` is `false`. */
  static async connect(server: ServerSide, reading: boolean): Promise<RawClient> {
    const socket = connect({ host: '127.0.0.1', port: server.port, allowHalfOpen: true })
    const client = new RawClient(socket, server)
    if (!reading) {
      // Before the 'data' listener: paused now, the socket does not start reading on connect.
      socket.pause()
    }
    socket.on('data', (chunk: Buffer) => {
      client.received += chunk.length
      if (client.transcript.length < TRANSCRIPT_LIMIT) {
        client.transcript += chunk.toString('latin1')
      }
      client.notify()
    })
    const ended = (how: string): void => {
      client.endedBy ??= how
      client.notify()
    }
    socket.on('end', () => ended('eof'))
    socket.on('error', (error: NodeJS.ErrnoException) => ended(error.code ?? error.message))
    socket.on('close', () => ended('close'))
    socket.on('finish', () => client.notify())
    await once(socket, 'connect')
    client.port = socket.localPort ?? 0
    return client
  }

  describe(): string {
    return [
      `client: sent ${JSON.stringify(this.sent.slice(0, 200))}, received ${this.received} bytes`,
      `  starting ${JSON.stringify(this.transcript.slice(0, 200))}, ended by ${this.endedBy ?? '-'}`,
      this.server.log.describe(),
    ].join('\n')
  }
}

/** One thing the client does, then awaits. */
export interface Step {
  readonly label: string
  run(client: RawClient): Promise<void>
}

function step(label: string, run: (client: RawClient) => Promise<void>): Step {
  return { label, run }
}

/** Sends `text` (latin1) in one write; done once the kernel has it (on loopback: the server's). */
export const send = (text: string): Step =>
  step(`send ${text.length} bytes`, async (client) => {
    client.sent += text
    await new Promise<void>((resolve) => {
      // A write the server refuses (it reset) fails here; the scenario's trace tells the rest.
      client.socket.write(Buffer.from(text, 'latin1'), () => resolve())
    })
  })

/** Waits until the server has sent `marker` (an ack such as `[10]`). */
export const awaitText = (marker: string): Step =>
  step(`await ${marker}`, (client) =>
    client.until(
      () => client.transcript.includes(marker),
      `${marker} from the server`,
      () => client.endedBy !== undefined,
    ),
  )

/** Reads until `size` bytes in all have come from the server, then stops reading. */
export const readUntil = (size: number): Step =>
  step(`read until ${size} bytes`, async (client) => {
    client.socket.resume()
    await client.until(
      () => client.received >= size,
      `${size} bytes from the server`,
      () => client.endedBy !== undefined,
    )
    client.socket.pause()
  })

/** Half-closes: done once the FIN has been sent (or the socket closed: the server reset it). */
export const end = (): Step =>
  step('end', async (client) => {
    const { socket } = client
    socket.end()
    await client.until(() => socket.writableFinished || socket.closed, 'the FIN sent')
  })

/** Resets the connection (RST): done once the socket is closed. */
export const reset = (): Step =>
  step('reset', async (client) => {
    client.socket.resetAndDestroy()
    if (!client.socket.closed) {
      await once(client.socket, 'close')
    }
  })

/**
 * Makes the server's protocol run `actions` now (as a timer or another task would), once it has
 * its connection: the client's connect completes before the server has accepted it.
 */
export const server = (...actions: Action[]): Step =>
  step(`server ${actions.join(', ')}`, async (client) => {
    await client.server.log.waitFor('connectionMade')
    client.receivedAtCommands.push(client.received)
    await client.server.command(actions)
  })

/** Waits until the server's protocol has recorded a callback or call of this name. */
export const awaitTrace = (name: string): Step =>
  step(`await ${name}`, (client) => client.server.log.waitFor(name))

/** Waits until the server has let go of the connection's socket (see `ServerSide.released`). */
export const awaitReleased = (): Step =>
  step('await the socket released', (client) => client.server.released())

/** Reads until the server ends the connection (EOF, reset or close). */
export const awaitEnd = (): Step =>
  step('await the end', async (client) => {
    client.socket.resume()
    await client.until(() => client.endedBy !== undefined, 'end of the connection')
  })
