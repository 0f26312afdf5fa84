#!/usr/bin/env node
/**
 * The baseline every Node networking layer is measured against: a plain `node:net` echo server
 * with pause/resume backpressure. Prints its port on standard error like the wirekit server;
 * with `--unix PATH`, listens on that Unix socket instead and prints the path.
 */
import { createServer } from 'node:net'

const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
  socket.on('data', (chunk: Buffer) => {
    if (!socket.write(chunk)) {
      socket.pause()
      socket.once('drain', () => socket.resume())
    }
  })
  socket.on('end', () => socket.end())
  socket.on('error', () => socket.destroy())
})
const unixIndex = process.argv.indexOf('--unix')
const unixPath = unixIndex === -1 ? undefined : process.argv[unixIndex + 1]
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
