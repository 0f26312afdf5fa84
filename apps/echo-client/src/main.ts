#!/usr/bin/env node
import { EXIT, Logger, runCli, stderrSink, versionLine } from '@wirekit/app-support'
import { clientTLS } from './client-tls.ts'
import { parseClientArgs, USAGE } from './cli.ts'
import { datagramExchange } from './datagram-exchange.ts'
import { streamExchange } from './stream-exchange.ts'

await runCli(USAGE, async () => {
  const config = parseClientArgs(process.argv.slice(2))
  if (config.help) {
    process.stdout.write(USAGE)
    return EXIT.ok
  }
  if (config.version) {
    process.stdout.write(`${versionLine(new URL('../package.json', import.meta.url))}\n`)
    return EXIT.ok
  }
  // The TLS files are checked before anything is logged or opened.
  const tls = config.tls === undefined ? undefined : clientTLS(config.tls)
  const sink = stderrSink(config.logLevel)
  const log = new Logger('main', sink)
  log.debug('waiting for client to complete')
  return config.udp === undefined
    ? streamExchange(config, tls, sink, log)
    : datagramExchange(config, config.udp, sink, log)
})
