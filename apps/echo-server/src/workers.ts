import cluster, { type Worker } from 'node:cluster'
import { EXIT, type Logger } from '@wirekit/app-support'
import { reusePortSupported } from '@wirekit/protocol-core'
import { SHUTDOWN_SIGNALS, type ShutdownRequests } from './shutdown.ts'

/**
 * How the workers share the port: each binds it with `SO_REUSEPORT` (the kernel spreads the
 * connections), or node:cluster's primary accepts and hands the connections round-robin.
 */
export type WorkerSharing = 'reuse-port' | 'cluster'

/** What the primary tells a worker through its environment. */
const ENV_SHARING = 'WIREKIT_ECHO_SHARING'
const ENV_PORT = 'WIREKIT_ECHO_PORT'

/** What a worker tells the primary. */
interface WorkerMessage {
  readonly listening: number
}

/** What the primary tells a worker: shut down as this signal asks. */
interface ShutdownMessage {
  readonly shutdown: NodeJS.Signals
}

/** This process is a worker of `--workers`: how it shares the port, and the port to bind. */
export interface WorkerRole {
  readonly sharing: WorkerSharing
  readonly port: number | undefined
}

/** The role of this process when the primary of `--workers` started it, else `undefined`. */
export function workerRole(): WorkerRole | undefined {
  if (!cluster.isWorker) {
    return undefined
  }
  const port = process.env[ENV_PORT]
  return {
    sharing: process.env[ENV_SHARING] === 'reuse-port' ? 'reuse-port' : 'cluster',
    port: port === undefined ? undefined : Number(port),
  }
}

/** A worker's side: it listens on this port. */
export function reportListening(port: number): void {
  process.send?.({ listening: port } satisfies WorkerMessage)
}

/**
 * A worker's shutdown requests: the primary's messages. The worker ignores signals of its own:
 * Ctrl-C reaches every process of the terminal's group, and only the primary decides.
 */
export const primaryRequests: ShutdownRequests = (onRequest) => {
  for (const signal of SHUTDOWN_SIGNALS) {
    process.on(signal, () => undefined)
  }
  process.on('message', (message: Partial<ShutdownMessage>) => {
    if (message.shutdown !== undefined) {
      onRequest(message.shutdown)
    }
  })
}

function forkWorker(sharing: WorkerSharing, port: number | undefined): Worker {
  return cluster.fork({
    [ENV_SHARING]: sharing,
    ...(port === undefined ? {} : { [ENV_PORT]: String(port) }),
  })
}

/**
 * Resolves with the port a worker listens on; rejects when it exits first (it printed why: a
 * worker that cannot listen fails as the single process would, with one line).
 */
function listening(worker: Worker): Promise<number> {
  return new Promise((resolve, reject) => {
    worker.on('message', (message: Partial<WorkerMessage>) => {
      if (message.listening !== undefined) {
        resolve(message.listening)
      }
    })
    worker.once('exit', (code) => {
      reject(new Error(`a worker exited (code ${String(code)}) before it listened`))
    })
  })
}

/**
 * The primary of `--workers N`: starts N worker processes on one port and stays until they end.
 * With `SO_REUSEPORT` (Node 22.12 and later) the first worker picks the port (for `--port 0`) and
 * the others bind the same one; with node:cluster they share the primary's. Shutdown requests go
 * to every worker (each drains), and a second one aborts.
 * @returns The exit status: 0 once every worker ended cleanly, 1 when one could not listen or failed.
 */
export async function runWorkers(
  count: number,
  port: number,
  where: (port: number) => string,
  log: Logger,
): Promise<number> {
  const sharing: WorkerSharing = reusePortSupported() ? 'reuse-port' : 'cluster'
  const workers: Worker[] = []
  const ended = new Map<Worker, Promise<number | null>>()
  const start = (workerPort: number | undefined): Worker => {
    const worker = forkWorker(sharing, workerPort)
    workers.push(worker)
    ended.set(
      worker,
      new Promise((resolve) =>
        worker.once('exit', (code) => {
          resolve(code)
        }),
      ),
    )
    return worker
  }
  const stopAll = (signal: NodeJS.Signals): void => {
    for (const worker of workers) {
      if (worker.isConnected()) {
        worker.send({ shutdown: signal } satisfies ShutdownMessage)
      }
    }
  }
  let bound: number
  try {
    const first = start(sharing === 'reuse-port' ? port : undefined)
    bound = await listening(first)
    const rest = Array.from({ length: count - 1 }, () =>
      start(sharing === 'reuse-port' ? bound : undefined),
    )
    await Promise.all(rest.map(listening))
  } catch (error) {
    log.error(`ERROR: ${error instanceof Error ? error.message : String(error)}`)
    for (const worker of workers) {
      worker.kill('SIGKILL')
    }
    return EXIT.failure
  }
  for (const signal of SHUTDOWN_SIGNALS) {
    process.on(signal, stopAll)
  }
  process.stderr.write(`main: starting up on ${where(bound)}\n`)
  log.info(
    `${count} workers share the port (${sharing === 'reuse-port' ? 'SO_REUSEPORT' : 'node:cluster round-robin'})`,
  )
  const codes = await Promise.all(ended.values())
  const failed = codes.filter((code) => code !== 0).length
  if (failed > 0) {
    log.error(`ERROR: ${failed} of ${count} workers failed`)
    return EXIT.failure
  }
  log.info('closing event loop')
  return EXIT.ok
}
