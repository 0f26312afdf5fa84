#!/usr/bin/env node
/**
 * The wirekit echo server over TLS, for the bench while `echo-server` has no `--tls-cert`: the
 * same transport (`createServer` of `@wirekit/transport-tcp` with `tls`) and the same echo
 * semantics, without the log lines. `--tls-cert FILE --tls-key FILE`; prints its port on
 * standard error like `echo-server`.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { createServer } from '@wirekit/transport-tcp'
import { BenchEchoProtocol } from './bench-echo-protocol.ts'

const { values } = parseArgs({
  options: { 'tls-cert': { type: 'string' }, 'tls-key': { type: 'string' } },
})
const cert = values['tls-cert']
const key = values['tls-key']
if (cert === undefined || key === undefined) {
  process.stderr.write('error: --tls-cert and --tls-key are required\n')
  process.exit(2)
}
const server = await createServer(() => new BenchEchoProtocol(), {
  host: '127.0.0.1',
  port: 0,
  tls: { cert: readFileSync(cert), key: readFileSync(key) },
  onError: (error) => process.stderr.write(`main: ERROR: ${error.message}\n`),
  onWarning: (message) => process.stderr.write(`main: ${message}\n`),
})
process.stderr.write(`main: starting up on 127.0.0.1 port ${server.addresses()[0]?.port ?? 0}\n`)
process.on('SIGTERM', () => process.exit(0))
