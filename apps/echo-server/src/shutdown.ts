import type { Server } from '@wirekit/protocol-core'
import type { Logger } from '@wirekit/app-support'
import type { TCPServer } from '@wirekit/transport-tcp'

/**
 * What shutting down needs of a server: a TCP or Unix-socket server (which can drain), or the UDP
 * endpoints (which have no connections to drain).
 */
export type ShutdownTarget = Pick<
  Server,
  'close' | 'closeClients' | 'abortClients' | 'waitClosed'
> &
  Partial<Pick<TCPServer, 'drain'>>

/** The signals that shut the server down gracefully. */
export const SHUTDOWN_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']

/** Where shutdown requests come from: this process's signals, or a primary process's messages. */
export type ShutdownRequests = (onRequest: (signal: NodeJS.Signals) => void) => void

/** The process's own SIGINT, SIGTERM and SIGHUP. */
export const processSignals: ShutdownRequests = (onRequest) => {
  // The handlers stay: they keep nothing alive, and a late signal must not kill a process that
  // is already finishing cleanly.
  for (const signal of SHUTDOWN_SIGNALS) {
    process.on(signal, onRequest)
  }
}

/**
 * Shuts the server down on the first request (SIGINT, SIGTERM or SIGHUP), as the seed's `finally:`
 * block does on Ctrl-C, with a deadline: the server drains (stops listening, so new connects are
 * refused at once; each echo connection is told and closes once what it was sent is flushed),
 * and the connections still open at the deadline are aborted. A second request aborts at once.
 * Resolves when the server is closed and every connection is gone.
 *
 * Call it before announcing that the server listens: a request right after the announcement
 * must find the handlers in place.
 */
export function closeOnSignal(
  server: ShutdownTarget,
  log: Logger,
  deadlineSeconds: number,
  requests: ShutdownRequests = processSignals,
): Promise<void> {
  return new Promise((resolve) => {
    let state: 'serving' | 'closing' | 'closed' = 'serving'
    const cut = new AbortController()
    const onRequest = (signal: NodeJS.Signals): void => {
      if (state === 'closed') {
        return
      }
      if (state === 'closing') {
        log.warn(`${signal} again: aborting the remaining connections`)
        cut.abort()
        server.abortClients()
        return
      }
      state = 'closing'
      log.info('closing server')
      const deadline = setTimeout(() => {
        log.warn(
          `shutdown deadline of ${deadlineSeconds} s reached: aborting the remaining connections`,
        )
        server.abortClients()
      }, deadlineSeconds * 1000)
      const drained =
        server.drain === undefined
          ? closeGracefully(server)
          : server
              .drain({ deadline: deadlineSeconds * 1000, closeTimeout: 0, signal: cut.signal })
              .then(({ ended, closed, aborted }) => {
                // Only when there was something to drain: the seed's transcript has no such line.
                if (ended + closed + aborted > 0) {
                  log.debug(`drained: ${ended} ended, ${closed} closed, ${aborted} aborted`)
                }
              })
      void drained
        .then(() => server.waitClosed())
        .then(() => {
          clearTimeout(deadline)
          state = 'closed'
          log.info('closing event loop')
          resolve()
        })
    }
    requests(onRequest)
  })
}

/** For a server without drain (the UDP endpoints): stop, and close what is open. */
function closeGracefully(server: ShutdownTarget): Promise<void> {
  server.close()
  server.closeClients()
  return Promise.resolve()
}
