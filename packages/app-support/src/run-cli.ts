import { escapeText } from './format-bytes.ts'
import { UsageError } from './cli-args.ts'
import { ConfigError } from './config-error.ts'
import { writeStderr } from './stderr.ts'

/**
 * Exit codes shared by the apps. `brokenPipe` is for an app that stopped because the reader of its
 * output went away: 128 + 13, what a shell reports for `cat` killed by SIGPIPE in
 * `cat big | head -c 10`. Node ignores SIGPIPE, so an app cannot die of it; it exits with the same
 * status instead.
 */
export const EXIT = { ok: 0, failure: 1, usage: 2, brokenPipe: 141 } as const

/**
 * Runs an app's main function: a {@link UsageError} prints `error: ...` and the usage and exits 2;
 * a {@link ConfigError} prints `error: ...` alone and exits 2; any other error (a `NetworkError` from a transport above all) prints one `error: ...` line and exits 1.
 * Never a stack trace.
 */
export async function runCli(usage: string, main: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await main()
  } catch (error) {
    if (error instanceof UsageError) {
      writeStderr(`error: ${escapeText(error.message)}\n${usage}`)
      process.exitCode = EXIT.usage
      return
    }
    if (error instanceof ConfigError) {
      writeStderr(`error: ${escapeText(error.message)}\n`)
      process.exitCode = EXIT.usage
      return
    }
    const message = error instanceof Error ? error.message : String(error)
    writeStderr(`error: ${escapeText(message)}\n`)
    process.exitCode = EXIT.failure
  }
}
