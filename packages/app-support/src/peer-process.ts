/**
 * Runs a real peer of the interop tests (HAProxy, nginx) in the foreground: started on free
 * ports, ready once it prints a given line, stopped and its folder removed at the end, started
 * again on other ports when one was taken meanwhile.
 */
import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'

/** Options of starting a peer: `startHAProxy`, `startNginx`. */
export interface StartPeerOptions {
  /** The executable. @default 'haproxy' or 'nginx' */
  readonly executable?: string
  /** Starts to try when a port was taken meanwhile. @default 5 */
  readonly attempts?: number
  /** How long to wait for the ready line on each start. @default 15000 */
  readonly readyTimeoutMs?: number
}

/** A peer process that was started. */
export interface PeerProcess {
  /** What it printed so far (both streams). */
  output(): string
  /** Stops it (SIGTERM, then SIGKILL after `timeoutMs`), waits for its exit, removes `folder`. */
  stop(timeoutMs?: number): Promise<void>
}

/** How a start went: ready, not ready in time, or exited first (with its exit code). */
export type PeerOutcome = 'ready' | 'timeout' | number | null

/**
 * Starts `executable` with `args` and waits until its output contains `readyLine`, it exits, or
 * `readyTimeoutMs` passes. `folder` (its configuration and files) is removed when it stops.
 */
export async function startPeerProcess(
  executable: string,
  args: readonly string[],
  {
    readyLine,
    readyTimeoutMs,
    folder,
  }: { readyLine: string; readyTimeoutMs: number; folder: string },
): Promise<{ outcome: PeerOutcome; peer: PeerProcess }> {
  const child = spawn(executable, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  )
  const ready = new Promise<'ready'>((resolve) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8')
      if (output.includes(readyLine)) {
        resolve('ready')
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
  })
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), readyTimeoutMs)
  })
  const outcome = await Promise.race([ready, exited, timedOut])
  clearTimeout(timer)

  let stopped: Promise<void> | undefined
  const stop = (timeoutMs = 5000): Promise<void> => {
    stopped ??= (async () => {
      if (child.exitCode == null && child.signalCode == null) {
        child.kill('SIGTERM')
        const kill = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
        await exited
        clearTimeout(kill)
      }
      rmSync(folder, { recursive: true, force: true })
    })()
    return stopped
  }
  return { outcome, peer: { output: () => output, stop } }
}

/**
 * What a start that was not ready means: `undefined` when a port was taken meanwhile (start
 * again), else an error with the peer's output and configuration. Stops the peer.
 */
export async function failedStart(
  name: string,
  outcome: Exclude<PeerOutcome, 'ready'>,
  peer: PeerProcess,
  { config, readyTimeoutMs }: { config: string; readyTimeoutMs: number },
): Promise<Error | undefined> {
  await peer.stop()
  if (outcome !== 'timeout' && peer.output().includes('Address already in use')) {
    return undefined
  }
  const why =
    outcome === 'timeout' ? `not ready in ${readyTimeoutMs} ms` : `exit code ${String(outcome)}`
  return new Error(`${name} did not start (${why}):\n${peer.output()}\nconfiguration:\n${config}`)
}

/** Calls `start` until it gives an instance (it gives `undefined` when a port was taken). */
export async function startOnFreePorts<TInstance>(
  name: string,
  attempts: number,
  start: () => Promise<TInstance | undefined>,
): Promise<TInstance> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const instance = await start()
    if (instance !== undefined) {
      return instance
    }
  }
  throw new Error(
    `${name} could not bind free ports in ${attempts} attempts (EADDRINUSE each time)`,
  )
}
