#!/usr/bin/env node
import {
  escapeText,
  EXIT,
  Logger,
  runCli,
  stderrSink,
  versionLine,
  writeStderr,
} from '@wirekit/app-support'
import { createServer, createUnixServer } from '@wirekit/transport-tcp'
import { parseServerArgs, USAGE } from './cli.ts'
import { EchoServer } from './echo-protocol.ts'
import { closeOnSignal } from './shutdown.ts'

/** A Unix socket path as the command line takes it: an abstract name as `@NAME`. */
function showUnixPath(path: string): string {
  return path.startsWith('\0') ? `@${path.slice(1)}` : path
}

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
  const options = {
    ...(config.maxConnections === undefined ? {} : { maxConnections: config.maxConnections }),
    ...(config.idleTimeoutSeconds === undefined
      ? {}
      : { idleTimeout: config.idleTimeoutSeconds * 1000 }),
    onError: (error: Error) => log.error(`ERROR: ${error.message}`),
    onWarning: (message: string) => log.warn(message),
  }
  const { unixPath } = config
  const server =
    unixPath === undefined
      ? await createServer(() => new EchoServer(sink), {
          host: config.host,
          port: config.port,
          ...options,
        })
      : await createUnixServer(() => new EchoServer(sink), { path: unixPath, ...options })
  const closed = closeOnSignal(server, log, config.shutdownTimeoutSeconds)
  const [first] = server.addresses()
  // Printed at every log level: it is how a caller learns the real port behind --port 0.
  writeStderr(
    unixPath === undefined
      ? `main: starting up on ${config.host} port ${first?.port ?? config.port}\n`
      : `main: starting up on ${escapeText(showUnixPath(unixPath))}\n`,
  )
  await closed
  return EXIT.ok
})
