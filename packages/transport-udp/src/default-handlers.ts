/** The default `onError`: one line on standard error, never a stack trace. */
export function printError(error: Error): void {
  process.stderr.write(`wirekit: ${error.message.replace(/[\r\n]+/g, ' ')}\n`)
}

/** The default `onWarning`: a Node process warning, shown once per message by Node. */
export function emitWarning(message: string): void {
  process.emitWarning(message, 'WirekitWarning')
}
