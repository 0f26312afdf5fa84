#!/usr/bin/env node
/**
 * The wirekit datagram echo, for the bench while `echo-server` has no `--udp`: an endpoint of
 * `@wirekit/transport-udp` (`createDatagramEndpoint`) on 127.0.0.1 that sends every datagram
 * back to its sender. Prints its port on standard error like `echo-server`.
 */
import { createDatagramEndpoint } from '@wirekit/transport-udp'
import { BenchDatagramEchoProtocol } from './bench-echo-protocol.ts'

const { transport } = await createDatagramEndpoint(() => new BenchDatagramEchoProtocol(), {
  localAddress: { address: '127.0.0.1', port: 0 },
})
const sockname = transport.getExtraInfo('sockname')
process.stderr.write(`main: starting up on 127.0.0.1 port ${sockname?.port ?? 0}\n`)
process.on('SIGTERM', () => process.exit(0))
