#!/usr/bin/env node
import { EXIT, Logger, runCli, stderrSink, versionLine, writeStderr } from '@wirekit/app-support'
import { parseServerArgs, USAGE } from './cli.ts'
import { closeOnSignal } from './shutdown.ts'
import { startServer } from './start-server.ts'

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
  const { server, where, notes, warnings } = await startServer(config, sink, log)
  const closed = closeOnSignal(server, log, config.shutdownTimeoutSeconds)
  // Printed at every log level: it is how a caller learns the real port behind --port 0.
  writeStderr(`main: starting up on ${where}\n`)
  notes.forEach((note) => log.info(note))
  warnings.forEach((warning) => log.warn(warning))
  await closed
  return EXIT.ok
})
