/**
 * One worker thread of the load generator in `reconnect` mode: each of its loops connects (with
 * a PROXY header first when asked), sends one message, reads the whole echo, closes its side and
 * waits for the server's, then starts over. A connection counts once closed on both sides.
 */
import { randomBytes } from 'node:crypto'
import type { Socket } from 'node:net'
import type { NegotiatedTLS } from './load-options.ts'
import { negotiated, openStream, proxyHeaderFor } from './stream-connection.ts'
import { WorkerRun } from './worker-run.ts'

const open = new Set<Socket>()
let tls: NegotiatedTLS | undefined
const run = new WorkerRun(
  () => {
    for (const socket of open) {
      socket.destroy()
    }
  },
  () => ({ tls }),
)
const { options, connections, ca } = run.input
const payload = randomBytes(options.size)
/** Reads are handled before the next read of any socket, so one buffer serves them all. */
const readBuffer = Buffer.allocUnsafe(64 * 1024)
let everConnected = 0

function cycle(): void {
  const startedAt = process.hrtime.bigint()
  let received = 0
  const onRead = (nread: number, buffer: Uint8Array): boolean => {
    if (run.stopping) {
      return false
    }
    const end = received + nread
    if (
      end > options.size ||
      Buffer.compare(buffer.subarray(0, nread), payload.subarray(received, end)) !== 0
    ) {
      run.fail(`echo mismatch at byte ${received} of a ${options.size}-byte message`)
      return false
    }
    received = end
    if (received === options.size) {
      socket.end()
    }
    return true
  }
  const { socket, ready } = openStream(options, ca, { buffer: readBuffer, callback: onRead })
  open.add(socket)
  socket.on(ready, () => {
    tls ??= negotiated(socket)
    // The first `connections` connections tell the main thread the loops are up.
    if (everConnected < connections) {
      everConnected += 1
      run.connected()
    }
    const header =
      options.proxyHeader === undefined ? undefined : proxyHeaderFor(options.proxyHeader, socket)
    // Header and message in one write, as a balancer forwards a client's first bytes.
    socket.write(header === undefined ? payload : Buffer.concat([header, payload]))
  })
  socket.on('error', (error) => {
    if (!run.stopping) {
      run.fail(`connection error: ${error.message}`)
    }
  })
  socket.on('close', () => {
    open.delete(socket)
    if (run.stopping) {
      return
    }
    if (received < options.size) {
      run.fail(`the server closed a connection after ${received} of ${options.size} bytes`)
      return
    }
    if (run.echoed(startedAt)) {
      cycle()
    }
  })
}

for (let i = 0; i < connections; i++) {
  cycle()
}
