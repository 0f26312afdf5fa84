import { createInterface } from 'node:readline'

/**
 * The line protocol between the suite and the servers it drives (the scripts of `src/servers/`,
 * run as child processes so that their memory, descriptors and exit are their own):
 *
 * - the server prints `main: starting up on <host> port <port>` once it is ready, as the echo
 *   server does (`ServerProcess.start` waits for it);
 * - the suite writes commands on its standard input, one per line, words separated by spaces;
 * - the server answers on standard output with `wirekit-reliability: reply <name> <json>` lines
 *   (`ServerProcess.command` and `nextReply` wait for them);
 * - warnings go to standard error as `warning <ms> ms: <message>`, stamped with the server's own
 *   clock (milliseconds since it started), so that a rate limit can be checked on the server's
 *   time rather than on when the lines reached the suite.
 *
 * The deliberately broken servers of `test/fixtures/` speak the same protocol.
 */

/** Prints the line `ServerProcess.start` waits for. */
export function announceListening(host: string, port: number): void {
  process.stderr.write(`main: starting up on ${host} port ${port}\n`)
}

/** Prints a reply the suite waits for by its name. */
export function reply(name: string, value: unknown): void {
  process.stdout.write(`wirekit-reliability: reply ${name} ${JSON.stringify(value)}\n`)
}

/** Prints a warning stamped with the server's clock: an `onWarning` hook for wirekit. */
export function printWarning(message: string): void {
  process.stderr.write(`warning ${performance.now().toFixed(0)} ms: ${message}\n`)
}

/** The pattern of a {@link printWarning} line: its stamp and its message. */
export const WARNING_LINE = /^warning (\d+) ms: (.*)$/

/**
 * Reads commands from standard input and hands each to `handle` as its words. A command that
 * throws (or rejects) is answered with an `error` reply. `stop()` stops reading, so that standard
 * input no longer keeps the process alive.
 */
export function readCommands(handle: (words: string[]) => void | Promise<void>): {
  stop(): void
} {
  const lines = createInterface({ input: process.stdin })
  lines.on('line', (line) => {
    const words = line.trim().split(/\s+/)
    Promise.resolve()
      .then(() => handle(words))
      .catch((error: unknown) => {
        reply('error', { command: line, message: error instanceof Error ? error.message : error })
      })
  })
  return {
    stop: () => {
      lines.close()
      process.stdin.destroy()
    },
  }
}

/**
 * Runs a server script's `main`: an error before it listens is one line on standard error and
 * exit code 2, as the echo server does it.
 */
export function runServer(name: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 2
  })
}
