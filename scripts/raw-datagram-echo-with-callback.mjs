// The raw dgram echo of `pnpm bench` (apps/echo-bench/src/raw-datagram-echo-server.ts) with a
// send callback: the least a server does that hears of its failed sends (Node drops a failed send
// without a word when no callback is given). For scripts/ab-echo.sh udp, beside the bench's raw
// server and wirekit's, to price the callback alone.
//
//   node scripts/raw-datagram-echo-with-callback.mjs
//
// Prints "port N" on standard error like the bench's servers.
import { createSocket } from 'node:dgram'
import process from 'node:process'

let failedSends = 0
const sent = (error) => {
  if (error) {
    failedSends += 1
  }
}
const socket = createSocket('udp4')
socket.on('message', (datagram, from) => {
  socket.send(datagram, from.port, from.address, sent)
})
socket.on('error', () => undefined) // an ICMP error about one peer must not stop the others
socket.bind(0, '127.0.0.1', () => {
  process.stderr.write(`main: starting up on 127.0.0.1 port ${socket.address().port}\n`)
})
process.on('SIGTERM', () => {
  process.stderr.write(`failed sends: ${failedSends}\n`)
  process.exit(0)
})
