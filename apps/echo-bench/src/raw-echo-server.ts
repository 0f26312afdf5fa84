#!/usr/bin/env node
/**
 * The baseline every Node networking layer is measured against: a plain `node:net` echo server
 * with pause/resume backpressure. Prints its port on standard error like the wirekit server;
 * with `--unix PATH`, listens on that Unix socket instead and prints the path; with
 * `--tls-cert FILE --tls-key FILE`, the same over `node:tls`.
 */
import { readFileSync } from 'node:fs'
import { createServer as createTCPServer, type Socket } from 'node:net'
import { createServer as createTLSServer } from 'node:tls'
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  options: {
    unix: { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
  },
})

function echo(socket: Socket): void {
  socket.on('data', (chunk: Buffer) => {
    if (!socket.write(chunk)) {
      socket.pause()
      socket.once('drain', () => socket.resume())
    }
  })
  socket.on('end', () => socket.end())
  socket.on('error', () => socket.destroy())
}

const options = { allowHalfOpen: true, noDelay: true }
const cert = values['tls-cert']
const key = values['tls-key']
const server =
  cert === undefined || key === undefined
    ? createTCPServer(options, echo)
    : createTLSServer({ ...options, cert: readFileSync(cert), key: readFileSync(key) }, echo)
// A client that fails its handshake (or resets) must not take the server down.
server.on('tlsClientError', () => undefined)
const unixPath = values.unix
if (unixPath === undefined) {
  server.listen(0, '127.0.0.1', () => {
    const address = server.address()
    const port = typeof address === 'object' && address != null ? address.port : 0
    process.stderr.write(`main: starting up on 127.0.0.1 port ${port}\n`)
  })
} else {
  server.listen(unixPath, () => {
    process.stderr.write(`main: starting up on ${unixPath}\n`)
  })
}
process.on('SIGTERM', () => process.exit(0))
