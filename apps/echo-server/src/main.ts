#!/usr/bin/env node
import { EXIT, Logger, runCli, stderrSink, versionLine, writeStderr } from '@wirekit/app-support'
import { createServer } from '@wirekit/transport-tcp'
import { parseServerArgs, USAGE } from './cli.ts'
import { EchoServer } from './echo-protocol.ts'
import { closeOnSignal } from './shutdown.ts'

await runCli(USAGE, async () => {
  const config = parseServerArgs(process.argv.slice(2))
  if (config.help) {
    process.stdout.write(USAGE)
    return EXIT.ok
  }
  if (config.version) {
    process.stdout.write(`${versionLine(new URL('../package.json', import.meta.url))}\n`)
    return EXIT.ok
  }
  const sink = stderrSink(config.logLevel)
  const log = new Logger('main', sink)
  const server = await createServer(() => new EchoServer(sink), {
    host: config.host,
    port: config.port,
    ...(config.maxConnections === undefined ? {} : { maxConnections: config.maxConnections }),
    ...(config.idleTimeoutSeconds === undefined
      ? {}
      : { idleTimeout: config.idleTimeoutSeconds * 1000 }),
    onError: (error) => log.error(`ERROR: ${error.message}`),
    onWarning: (message) => log.warn(message),
  })
  const closed = closeOnSignal(server, log, config.shutdownTimeoutSeconds)
  const [first] = server.addresses()
  // Printed at every log level: it is how a caller learns the real port behind --port 0.
  writeStderr(`main: starting up on ${config.host} port ${first?.port ?? config.port}\n`)
  await closed
  return EXIT.ok
})
