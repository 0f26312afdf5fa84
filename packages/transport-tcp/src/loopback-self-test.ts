/**
 * The scaffolding of the start-up self-tests of the fast read and write paths: one connection
 * over loopback, in this process, whose two ends the self-test drives.
 */
import { once } from 'node:events'
import { connect, createServer, type Socket } from 'node:net'

/**
 * A guard against a round trip that never ends (a Node whose handle neither reads nor writes
 * where it should), not a deadline: a loopback round trip in the same process takes well under a
 * millisecond, so only a broken Node reaches it, never a busy machine.
 */
const SELF_TEST_HANG_GUARD_MS = 60_000

/**
 * Listens on 127.0.0.1 (its own socket, even in a node:cluster worker, whose listens the primary
 * shares otherwise), connects to it, and gives `exercise` the client once connected; `accepted`
 * gets the server's side, paused (`pauseOnConnect`). The client is destroyed when `exercise`
 * settles or the hang guard fires, the server closed.
 * @returns What `exercise` returned; `false` when the server had no port.
 */
export async function loopbackSelfTest(
  accepted: (socket: Socket) => void,
  exercise: (client: Socket) => Promise<boolean>,
): Promise<boolean> {
  const server = createServer({ pauseOnConnect: true }, accepted)
  server.listen({ port: 0, host: '127.0.0.1', exclusive: true })
  await once(server, 'listening')
  try {
    const address = server.address()
    if (address == null || typeof address === 'string') {
      return false
    }
    const client = connect({ host: '127.0.0.1', port: address.port, allowHalfOpen: true })
    client.on('error', () => undefined)
    const timer = setTimeout(() => client.destroy(), SELF_TEST_HANG_GUARD_MS)
    timer.unref()
    try {
      await once(client, 'connect')
      return await exercise(client)
    } finally {
      clearTimeout(timer)
      client.destroy()
    }
  } finally {
    server.close()
  }
}
