#!/usr/bin/env node
import { EXIT, Logger, runCli, stderrSink, versionLine } from '@wirekit/app-support'
import { createConnection, createUnixConnection } from '@wirekit/transport-tcp'
import { parseClientArgs, USAGE } from './cli.ts'
import { EchoClient, type ExchangeResult } from './echo-client-protocol.ts'
import { stdinSource, stdoutSink, streamStdin } from './stream-stdin.ts'

function verdict(result: ExchangeResult, timedOut: string | undefined): string | undefined {
  if (timedOut !== undefined) {
    return timedOut
  }
  if (result.error !== undefined) {
    return `connection lost: ${result.error.message}`
  }
  if (result.sentBytes !== result.receivedBytes) {
    return `echo mismatch: sent ${result.sentBytes} bytes, received ${result.receivedBytes}`
  }
  if (result.sentDigest !== result.receivedDigest) {
    return `echo mismatch: the ${result.sentBytes} bytes received differ from those sent`
  }
  return undefined
}

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
  const sink = stderrSink(config.logLevel)
  const log = new Logger('main', sink)
  const timeoutMs = config.timeoutSeconds === undefined ? undefined : config.timeoutSeconds * 1000
  const encoder = new TextEncoder()
  // In --stdin mode, when the reader of the echo goes away, stop as `cat` stops on SIGPIPE.
  const output =
    config.messages === undefined
      ? stdoutSink(() => {
          process.stdin.destroy()
          client.transport?.abort()
        })
      : undefined
  const client = new EchoClient(
    new Logger('EchoClient', sink),
    output === undefined
      ? { messages: (config.messages ?? []).map((message) => encoder.encode(message)) }
      : { source: stdinSource, sink: output },
  )
  log.debug('waiting for client to complete')
  const timeout = timeoutMs === undefined ? {} : { timeout: timeoutMs }
  const { transport } =
    config.unixPath === undefined
      ? await createConnection(() => client, { host: config.host, port: config.port, ...timeout })
      : await createUnixConnection(() => client, { path: config.unixPath, ...timeout })
  let timedOut: string | undefined
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = `timed out after ${config.timeoutSeconds ?? 0} seconds`
          transport.abort()
        }, timeoutMs)
  if (config.messages === undefined) {
    streamStdin(client, transport)
  }
  const result = await client.done
  clearTimeout(timer)
  process.stdin.destroy()
  log.debug('closing event loop')
  if (output?.readerGone === true) {
    return EXIT.brokenPipe
  }
  const failure = verdict(result, timedOut)
  if (failure !== undefined) {
    throw new Error(failure)
  }
  return EXIT.ok
})
