/** The default `onError` of `startServer()`: one line on standard error, never a stack trace. */
export function printHandlerError(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error)
  process.stderr.write(`wirekit: connection handler failed: ${message.replace(/[\r\n]+/g, ' ')}\n`)
}
