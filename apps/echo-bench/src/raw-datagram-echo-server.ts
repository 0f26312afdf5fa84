#!/usr/bin/env node
/**
 * The baseline for datagram echo: a plain `node:dgram` socket that sends every datagram back to
 * where it came from. Prints its port on standard error like the other servers.
 */
import { createSocket } from 'node:dgram'

const socket = createSocket('udp4')
socket.on('message', (datagram, from) => {
  socket.send(datagram, from.port, from.address)
})
socket.on('error', () => undefined) // an ICMP error about one peer must not stop the others
socket.bind(0, '127.0.0.1', () => {
  process.stderr.write(`main: starting up on 127.0.0.1 port ${socket.address().port}\n`)
})
process.on('SIGTERM', () => process.exit(0))
