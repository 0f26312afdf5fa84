/**
 * One worker thread of the load generator in `datagram` mode: each flow is a UDP socket
 * connected to the server that keeps `window` datagrams in flight. Each datagram carries its
 * number and the flow's tag in its first 8 bytes and the flow's random bytes after them; its
 * echo must come back whole. A datagram not echoed within the loss timeout counts as lost and
 * is replaced; an echo that comes after that counts as late and is otherwise ignored.
 */
import { randomBytes } from 'node:crypto'
import { createSocket, type Socket } from 'node:dgram'
import { isIPv6 } from 'node:net'
import { WorkerRun } from './worker-run.ts'

const sockets: Socket[] = []
const counts = { sent: 0, lost: 0, late: 0 }
const sweeps: NodeJS.Timeout[] = []
const run = new WorkerRun(
  () => {
    for (const sweep of sweeps) {
      clearInterval(sweep)
    }
    for (const socket of sockets) {
      socket.close()
    }
  },
  () => ({ datagrams: { ...counts } }),
)
const { options, connections } = run.input
const timeoutNs = BigInt(Math.round(options.lossTimeout * 1e9))
/** How many lost numbers a flow remembers, to tell a late echo from a forged one. */
const REMEMBERED_LOSSES = 4096

function runFlow(): void {
  const payload = randomBytes(options.size)
  const tag = payload.readUInt32BE(4)
  /** Numbers in flight and when each was sent, oldest first (a Map keeps insertion order). */
  const inFlight = new Map<number, bigint>()
  const lost = new Set<number>()
  let next = 0
  const socket = createSocket(isIPv6(options.host) ? 'udp6' : 'udp4')
  sockets.push(socket)

  const send = (): void => {
    const datagram = Buffer.allocUnsafe(options.size)
    payload.copy(datagram)
    datagram.writeUInt32BE(next, 0)
    inFlight.set(next, process.hrtime.bigint())
    next = (next + 1) >>> 0
    if (run.measuring) {
      counts.sent += 1
    }
    socket.send(datagram)
  }

  socket.on('message', (datagram: Buffer) => {
    if (run.stopping) {
      return
    }
    if (
      datagram.length !== options.size ||
      datagram.readUInt32BE(4) !== tag ||
      Buffer.compare(datagram.subarray(8), payload.subarray(8)) !== 0
    ) {
      run.fail(`echo mismatch in a ${datagram.length}-byte datagram of ${options.size} sent`)
      return
    }
    const number = datagram.readUInt32BE(0)
    const sentAt = inFlight.get(number)
    if (sentAt === undefined) {
      if (!lost.delete(number)) {
        run.fail(`an echo of datagram ${number}, which is not in flight (duplicated or never sent)`)
      } else if (run.measuring) {
        counts.late += 1
      }
      return
    }
    inFlight.delete(number)
    if (run.echoed(sentAt)) {
      send()
    }
  })
  socket.on('error', (error) => {
    if (!run.stopping) {
      run.fail(`socket error: ${error.message}`)
    }
  })
  const sweep = setInterval(
    () => {
      const now = process.hrtime.bigint()
      for (const [number, sentAt] of inFlight) {
        if (now - sentAt < timeoutNs) {
          break
        }
        inFlight.delete(number)
        lost.add(number)
        if (lost.size > REMEMBERED_LOSSES) {
          lost.delete(lost.values().next().value ?? number)
        }
        if (run.measuring) {
          counts.lost += 1
        }
        send()
      }
    },
    Math.max(1, (options.lossTimeout * 1000) / 4),
  )
  sweeps.push(sweep)
  socket.connect(options.port, options.host, () => {
    run.connected()
    for (let i = 0; i < options.window; i++) {
      send()
    }
  })
}

for (let i = 0; i < connections; i++) {
  runFlow()
}
