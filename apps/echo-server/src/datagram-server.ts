import { lookup } from 'node:dns/promises'
import { NetworkError } from '@wirekit/protocol-core'
import type { Logger, LogSink } from '@wirekit/app-support'
import { createDatagramEndpoint, type UDPEndpoint } from '@wirekit/transport-udp'
import { DatagramEchoServer } from './datagram-echo-protocol.ts'
import type { ShutdownTarget } from './shutdown.ts'

/** The UDP echo server of `--udp`: one endpoint per address of its host, all on one port. */
export interface DatagramServer extends ShutdownTarget {
  /** The port every endpoint is bound to (the one picked for `--port 0`). */
  readonly port: number
}

/** How many times a port-0 server retries when the port picked on one address is taken on another. */
const PORT_ZERO_ATTEMPTS = 5

type Endpoint = UDPEndpoint<DatagramEchoServer>

/** Every address `host` stands for (both 127.0.0.1 and ::1 for `localhost` where both exist). */
async function resolveAll(host: string, port: number): Promise<string[]> {
  try {
    return [...new Set((await lookup(host, { all: true })).map(({ address }) => address))]
  } catch (error) {
    const { code } = error as { code?: unknown }
    const known = typeof code === 'string' ? code : undefined
    const reason = known === 'ENOTFOUND' ? 'host not found' : 'name resolution failed'
    throw new NetworkError('listen', host, port, known, `cannot resolve: ${reason}`, {
      cause: error,
    })
  }
}

function isAddressInUse(error: unknown): boolean {
  return error instanceof NetworkError && error.code === 'EADDRINUSE'
}

/**
 * Binds a UDP echo endpoint on every address `host` resolves to, on `port` (with 0, the port the
 * first address picks; should it be taken on another address, everything is closed and tried
 * again), as the TCP server listens on each of them.
 * @throws NetworkError when resolving or binding fails (`EADDRINUSE`, `EADDRNOTAVAIL`, ...).
 */
export async function openDatagramServer(
  host: string,
  port: number,
  sink: LogSink,
  log: Logger,
): Promise<DatagramServer> {
  const addresses = await resolveAll(host, port)
  const options = {
    onError: (error: Error) => log.error(`ERROR: ${error.message}`),
    onWarning: (message: string) => log.warn(message),
  }
  for (let attempt = 1; ; attempt++) {
    const endpoints: Endpoint[] = []
    let bound = port
    try {
      for (const address of addresses) {
        const endpoint = await createDatagramEndpoint(() => new DatagramEchoServer(sink, log), {
          localAddress: { address, port: bound },
          ...options,
        })
        endpoints.push(endpoint)
        bound = endpoint.transport.getExtraInfo('sockname')?.port ?? bound
      }
      return datagramServer(endpoints, bound)
    } catch (error) {
      for (const { transport } of endpoints) {
        transport.abort()
      }
      if (
        !(port === 0 && endpoints.length > 0 && isAddressInUse(error)) ||
        attempt === PORT_ZERO_ATTEMPTS
      ) {
        throw error
      }
    }
  }
}

function datagramServer(endpoints: readonly Endpoint[], port: number): DatagramServer {
  const closed = Promise.all(endpoints.map(({ protocol }) => protocol.closed)).then(() => undefined)
  return {
    port,
    // close() sends what is queued, then closes: the echoes under way still leave.
    close: () => endpoints.forEach(({ transport }) => transport.close()),
    // UDP has no connections to close.
    closeClients: () => undefined,
    abortClients: () => endpoints.forEach(({ transport }) => transport.abort()),
    waitClosed: () => closed,
  }
}
