// The wirekit UDP echo of `pnpm bench` with one part of a send taken out, to measure what that
// part costs (for scripts/ab-echo.sh udp); only `as-built` keeps the contract.
//
//   node scripts/datagram-echo-variant.mjs as-built|no-copy|no-callback|noop-callback
//
// - no-copy: the socket sends the caller's own bytes (wrong if the caller changes them while a
//   send is queued);
// - no-callback: no send callback, the datagram counts as sent at once (send errors are lost);
// - noop-callback: a shared callback that does nothing, the datagram counts as sent at once.
// Prints "port N" on standard error like the bench's servers.
import { UDPTransport } from '../packages/transport-udp/dist/udp-transport.js'
import { createDatagramEndpoint } from '../packages/transport-udp/dist/index.js'
import { BenchDatagramEchoProtocol } from '../apps/echo-bench/dist/bench-echo-protocol.js'

const variant = process.argv[2] ?? 'as-built'
const noop = () => undefined
const sendWith = (callback) =>
  function sendDatagram(data, address, done) {
    const socket = this.getExtraInfo('socket')
    if (callback === undefined) {
      socket.send(data, address.port, address.address)
    } else {
      socket.send(data, address.port, address.address, callback)
    }
    done()
  }
const variants = {
  'as-built': () => undefined,
  'no-copy': () => {
    UDPTransport.prototype.copyDatagram = (data) => data
  },
  'no-callback': () => {
    UDPTransport.prototype.sendDatagram = sendWith(undefined)
  },
  'noop-callback': () => {
    UDPTransport.prototype.sendDatagram = sendWith(noop)
  },
}
if (!(variant in variants)) {
  process.stderr.write(`datagram-echo-variant: unknown variant ${variant}\n`)
  process.exit(2)
}
variants[variant]()
const { transport } = await createDatagramEndpoint(() => new BenchDatagramEchoProtocol(), {
  localAddress: { address: '127.0.0.1', port: 0 },
})
process.stderr.write(
  `main: starting up on 127.0.0.1 port ${transport.getExtraInfo('sockname')?.port}\n`,
)
process.on('SIGTERM', () => process.exit(0))
