import { EXIT, Logger, type LogSink } from '@wirekit/app-support'
import {
  createConnection,
  createUnixConnection,
  type TLSConnectionOptions,
} from '@wirekit/transport-tcp'
import type { ClientConfig } from './cli.ts'
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

/**
 * The seed's exchange over TCP (with TLS if given) or a Unix socket: the messages, or standard
 * input with `--stdin`, then EOF; every byte must come back.
 * @returns The exit status: ok, or the broken-pipe status when the reader of standard output went away.
 * @throws Error with the reason on a timeout, a lost connection or a mismatch; NetworkError or
 *   TLSHandshakeError when connecting fails.
 */
export async function streamExchange(
  config: ClientConfig,
  tls: TLSConnectionOptions | undefined,
  sink: LogSink,
  log: Logger,
): Promise<number> {
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
  const timeout = timeoutMs === undefined ? {} : { timeout: timeoutMs }
  const { transport } =
    config.unixPath === undefined
      ? await createConnection(() => client, {
          host: config.host,
          port: config.port,
          ...timeout,
          ...(tls === undefined ? {} : { tls }),
        })
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
}
