#!/usr/bin/env node
/**
 * The baseline for datagram echo: a plain `node:dgram` socket that sends every datagram back to
 * where it came from. Prints its port on standard error like the other servers.
 *
 * With `--send-callback` each send gets a callback that ignores what it is told: the least a
 * server does that hears of its failed sends (without one, Node drops a failed send without a
 * word), to price that callback beside wirekit's, which needs it.
 */
import type { RemoteInfo } from 'node:dgram'
import { createSocket } from 'node:dgram'

const socket = createSocket('udp4')
const ignore = (): void => undefined
const echo = process.argv.includes('--send-callback')
  ? (datagram: Buffer, from: RemoteInfo): void => {
      socket.send(datagram, from.port, from.address, ignore)
    }
  : (datagram: Buffer, from: RemoteInfo): void => {
      socket.send(datagram, from.port, from.address)
    }
socket.on('message', echo)
socket.on('error', () => undefined) // an ICMP error about one peer must not stop the others
socket.bind(0, '127.0.0.1', () => {
  process.stderr.write(`main: starting up on 127.0.0.1 port ${socket.address().port}\n`)
})
process.on('SIGTERM', () => process.exit(0))
