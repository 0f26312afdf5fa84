#!/usr/bin/env node
import { EXIT, Logger, runCli, stderrSink, versionLine, writeStderr } from '@wirekit/app-support'
import { parseServerArgs, USAGE } from './cli.ts'
import { closeOnSignal, processSignals } from './shutdown.ts'
import { primaryRequests, reportListening, runWorkers, workerRole } from './workers.ts'
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
  const role = workerRole()
  if (role === undefined && config.workers > 1) {
    return runWorkers(config.workers, config.port, (port) => `${config.host} port ${port}`, log)
  }
  const { server, where, port, notes, warnings } = await startServer(
    role?.port === undefined ? config : { ...config, port: role.port },
    sink,
    log,
    role?.sharing === 'reuse-port',
  )
  const closed = closeOnSignal(
    server,
    log,
    config.shutdownTimeoutSeconds,
    role === undefined ? processSignals : primaryRequests,
  )
  if (role === undefined) {
    // Printed at every log level: it is how a caller learns the real port behind --port 0.
    writeStderr(`main: starting up on ${where}\n`)
  } else {
    reportListening(port)
  }
  notes.forEach((note) => log.info(note))
  warnings.forEach((warning) => log.warn(warning))
  await closed
  return EXIT.ok
})
// A worker's channel to the primary would keep it alive, also after a failed start.
if (process.connected) process.disconnect()
