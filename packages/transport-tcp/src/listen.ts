import { lookup } from 'node:dns/promises'
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net'
import type { ResolvedSocketOptions } from './socket-options.ts'

/** One address to listen on. */
export interface ListenAddress {
  readonly address: string
  readonly family: 4 | 6
}

/** How many times a port-0 server retries when the port picked on one address is taken on another. */
const PORT_ZERO_ATTEMPTS = 5

/**
 * Resolves each host to every address it stands for (asyncio listens on all of them: both
 * 127.0.0.1 and ::1 for `localhost`), without duplicates.
 */
export async function resolveListenAddresses(hosts: readonly string[]): Promise<ListenAddress[]> {
  const seen = new Map<string, ListenAddress>()
  for (const host of hosts) {
    for (const { address, family } of await lookup(host, { all: true })) {
      seen.set(address, { address, family: family === 6 ? 6 : 4 })
    }
  }
  return [...seen.values()]
}

/** What each listening socket is opened with. */
export interface ListenSettings {
  /** Accepted sockets start paused, so that they can be switched to user-buffer reads first. */
  readonly pauseOnConnect: boolean
  readonly port: number
  readonly backlog: number
  readonly socketOptions: ResolvedSocketOptions
  /** Several sockets (processes) may listen on the same port: the kernel spreads connections. */
  readonly reusePort: boolean
  readonly onConnection: (socket: Socket) => void
  readonly onListenerError: (error: Error) => void
}

function listenOne(
  listener: NetServer,
  address: ListenAddress,
  port: number,
  settings: ListenSettings,
): Promise<void> {
  return new Promise((resolve, reject) => {
    listener.once('error', reject)
    // IPv6 sockets are IPv6-only, as in asyncio, so that '::1' and '127.0.0.1' can share a port.
    listener.listen(
      {
        host: address.address,
        port,
        backlog: settings.backlog,
        ipv6Only: address.family === 6,
        // Node's types know reusePort from 22.12 on; it is only set where Node has it. In a
        // node:cluster worker, `exclusive` makes it bind its own socket rather than share the
        // primary's, which is the point of SO_REUSEPORT.
        ...(settings.reusePort ? ({ reusePort: true, exclusive: true } as object) : {}),
      },
      () => {
        listener.off('error', reject)
        resolve()
      },
    )
  })
}

/**
 * Opens one listening socket per address, all on the same port. With port 0 the first address
 * picks the port; should it be taken on another address, everything is closed and tried again.
 */
export async function listenOnAll(
  addresses: readonly ListenAddress[],
  settings: ListenSettings,
): Promise<NetServer[]> {
  const { socketOptions } = settings
  for (let attempt = 1; ; attempt++) {
    const listeners: NetServer[] = []
    let port = settings.port
    try {
      for (const address of addresses) {
        const listener = createNetServer(
          {
            allowHalfOpen: true,
            pauseOnConnect: settings.pauseOnConnect,
            noDelay: socketOptions.noDelay,
            keepAlive: socketOptions.keepAlive,
            keepAliveInitialDelay: socketOptions.keepAliveInitialDelay,
          },
          settings.onConnection,
        )
        listeners.push(listener)
        await listenOne(listener, address, port, settings)
        listener.on('error', settings.onListenerError)
        const bound = listener.address()
        if (bound != null && typeof bound === 'object') {
          port = bound.port
        }
      }
      return listeners
    } catch (error) {
      for (const listener of listeners) {
        listener.close()
      }
      const code = (error as { code?: unknown }).code
      const retry =
        settings.port === 0 &&
        code === 'EADDRINUSE' &&
        listeners.length > 1 &&
        attempt < PORT_ZERO_ATTEMPTS
      if (!retry) {
        throw error
      }
    }
  }
}
