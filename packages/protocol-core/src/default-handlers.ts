/**
 * The handlers transports use when the caller gives none. This package imports nothing from Node:
 * they use Node's process where there is one, and the console elsewhere.
 */

interface NodeProcess {
  readonly stderr: { write(text: string): unknown }
  emitWarning(message: string, type: string): void
}

function nodeProcess(): NodeProcess | undefined {
  return (globalThis as { process?: NodeProcess }).process
}

/**
 * The default `onError`: one line on standard error, never a stack trace.
 * @example
 * ```ts
 * printError(new Error('boom')) // wirekit: boom
 * ```
 */
export function printError(error: Error): void {
  const line = `wirekit: ${error.message.replace(/[\r\n]+/g, ' ')}`
  const process = nodeProcess()
  if (process === undefined) {
    // eslint-disable-next-line no-console -- outside Node, the console is standard error
    console.error(line)
  } else {
    process.stderr.write(`${line}\n`)
  }
}

/**
 * The default `onWarning`: a Node process warning (`WirekitWarning`), shown once per message by
 * Node.
 * @example
 * ```ts
 * emitWarning('write() called 5 times after the connection was closed')
 * ```
 */
export function emitWarning(message: string): void {
  const process = nodeProcess()
  if (process === undefined) {
    // eslint-disable-next-line no-console -- outside Node, the console is where warnings go
    console.warn(`WirekitWarning: ${message}`)
  } else {
    process.emitWarning(message, 'WirekitWarning')
  }
}
