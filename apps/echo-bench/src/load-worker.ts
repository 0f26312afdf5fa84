/**
 * One worker thread of the load generator in `echo` mode: opens its connections and runs the
 * closed loop on each until told to stop, checking that every echo is byte-exact.
 */
import { randomBytes } from 'node:crypto'
import type { Socket } from 'node:net'
import type { NegotiatedTLS } from './load-options.ts'
import { negotiated, openStream, proxyHeaderFor } from './stream-connection.ts'
import { WorkerRun } from './worker-run.ts'

const sockets: Socket[] = []
let tls: NegotiatedTLS | undefined
const run = new WorkerRun(
  () => {
    for (const socket of sockets) {
      socket.destroy()
    }
  },
  () => ({ tls }),
)
const { options, connections, ca } = run.input

/**
 * Reads land in one buffer per connection (Node's public `onread` for client sockets): a
 * generator that allocated a buffer per read, as `'data'` events do, would spend its CPU on the
 * same allocations and page faults that slow raw Node servers down, on the machine it shares
 * with the server under test.
 */
const READ_BUFFER_SIZE = 256 * 1024

function runConnection(): void {
  const payload = randomBytes(options.size)
  let received = 0
  let sentAt = 0n
  const onRead = (nread: number, buffer: Uint8Array): boolean => {
    if (run.stopping) {
      return false
    }
    if (
      Buffer.compare(buffer.subarray(0, nread), payload.subarray(received, received + nread)) !== 0
    ) {
      run.fail(`echo mismatch at byte ${received} of a ${options.size}-byte message`)
      return false
    }
    received += nread
    if (received < options.size) {
      return true
    }
    if (!run.echoed(sentAt)) {
      return false
    }
    send()
    return true
  }
  const { socket, ready } = openStream(options, ca, {
    buffer: Buffer.allocUnsafe(READ_BUFFER_SIZE),
    callback: onRead,
  })
  sockets.push(socket)
  const send = (): void => {
    received = 0
    sentAt = process.hrtime.bigint()
    socket.write(payload)
  }
  socket.on(ready, () => {
    tls ??= negotiated(socket)
    if (options.proxyHeader !== undefined) {
      socket.write(proxyHeaderFor(options.proxyHeader, socket))
    }
    run.connected()
    send()
  })
  socket.on('error', (error) => {
    if (!run.stopping) {
      run.fail(`connection error: ${error.message}`)
    }
  })
  socket.on('close', () => {
    if (!run.stopping) {
      run.fail('the server closed a connection')
    }
  })
}

for (let i = 0; i < connections; i++) {
  runConnection()
}
