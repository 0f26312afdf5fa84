import { escapeText } from './format-bytes.ts'
import { UsageError } from './cli-args.ts'

/** Exit codes shared by the apps. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const

/**
 * Runs an app's main function: a {@link UsageError} prints `error: ...` and the usage and exits 2;
 * any other error (a `NetworkError` from a transport above all) prints one `error: ...` line and exits 1.
 * Never a stack trace.
 */
export async function runCli(usage: string, main: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await main()
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${escapeText(error.message)}\n${usage}`)
      process.exitCode = EXIT.usage
      return
    }
    const message = error instanceof Error ? error.message : String(error)
    process.stderr.write(`error: ${escapeText(message)}\n`)
    process.exitCode = EXIT.failure
  }
}
