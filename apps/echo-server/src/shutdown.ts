import type { Server } from '@wirekit/protocol-core'
import type { Logger } from '@wirekit/app-support'

/** What shutting down needs of a server: a TCP or Unix-socket `Server`, or the UDP endpoints. */
export type ShutdownTarget = Pick<Server, 'close' | 'closeClients' | 'abortClients' | 'waitClosed'>

/** The signals that shut the server down gracefully. */
export const SHUTDOWN_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']

/**
 * Shuts the server down on SIGINT, SIGTERM or SIGHUP (its terminal closed), as the seed's
 * `finally:` block does on Ctrl-C, with a deadline: stop listening (new connects are refused at
 * once), close every client gracefully (what they were sent is flushed), abort whoever is still
 * open at the deadline. A second signal aborts at once. Resolves when the server is closed and every connection is gone.
 *
 * Call it before announcing that the server listens: a signal sent right after the
 * announcement must find the handlers in place.
 */
export function closeOnSignal(
  server: ShutdownTarget,
  log: Logger,
  deadlineSeconds: number,
): Promise<void> {
  return new Promise((resolve) => {
    let state: 'serving' | 'closing' | 'closed' = 'serving'
    const onSignal = (signal: NodeJS.Signals): void => {
      if (state === 'closed') {
        return
      }
      if (state === 'closing') {
        log.warn(`${signal} again: aborting the remaining connections`)
        server.abortClients()
        return
      }
      state = 'closing'
      log.info('closing server')
      server.close()
      server.closeClients()
      const deadline = setTimeout(() => {
        log.warn(
          `shutdown deadline of ${deadlineSeconds} s reached: aborting the remaining connections`,
        )
        server.abortClients()
      }, deadlineSeconds * 1000)
      void server.waitClosed().then(() => {
        clearTimeout(deadline)
        state = 'closed'
        log.info('closing event loop')
        resolve()
      })
    }
    // The handlers stay: they keep nothing alive, and a late signal must not kill a process that
    // is already finishing cleanly.
    for (const signal of SHUTDOWN_SIGNALS) {
      process.on(signal, onSignal)
    }
  })
}
