import { EXIT, Logger, type LogSink } from '@wirekit/app-support'
import { createDatagramEndpoint } from '@wirekit/transport-udp'
import type { ClientConfig, ClientUDPConfig } from './cli.ts'
import { DatagramEchoClient } from './datagram-echo-client.ts'

/**
 * The `--udp` exchange: a UDP endpoint connected to the server, each message one datagram
 * echoed before the next (see {@link DatagramEchoClient}).
 * @returns The exit status once every echo came back.
 * @throws Error with the reason when an echo did not come back or differed, or when nothing
 *   listens; NetworkError when the host cannot be resolved.
 */
export async function datagramExchange(
  config: ClientConfig,
  udp: ClientUDPConfig,
  sink: LogSink,
  log: Logger,
): Promise<number> {
  const encoder = new TextEncoder()
  const client = new DatagramEchoClient(new Logger('EchoClient', sink), {
    messages: (config.messages ?? []).map((message) => encoder.encode(message)),
    waitMs: udp.waitSeconds * 1000,
    retries: udp.retries,
  })
  await createDatagramEndpoint(() => client, {
    remoteAddress: { address: config.host, port: config.port },
    onError: (error) => log.error(`ERROR: ${error.message}`),
    onWarning: (message) => log.warn(message),
  })
  const failure = await client.done
  log.debug('closing event loop')
  if (failure !== undefined) {
    throw new Error(failure)
  }
  return EXIT.ok
}
