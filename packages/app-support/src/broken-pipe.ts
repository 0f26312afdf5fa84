/** The part of a standard stream this needs (`process.stdout`, `process.stderr`). */
export interface OutputStream {
  on(event: 'error', listener: (error: Error) => void): unknown
}

function isBrokenPipe(error: Error): boolean {
  return 'code' in error && error.code === 'EPIPE'
}

/**
 * Calls `onClosed` once when the reader of `stream` goes away (EPIPE), as when the output is
 * piped to `head`. Without an `'error'` listener Node turns that EPIPE into an uncaught
 * exception with a stack trace. Later EPIPEs (writes already under way) are ignored; any other
 * error is thrown as before.
 */
export function onBrokenPipe(stream: OutputStream, onClosed: () => void): void {
  let closed = false
  stream.on('error', (error) => {
    if (!isBrokenPipe(error)) {
      throw error
    }
    if (!closed) {
      closed = true
      onClosed()
    }
  })
}
