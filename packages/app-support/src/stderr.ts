import { onBrokenPipe } from './broken-pipe.ts'

let watching = false
let readerGone = false

/**
 * Writes to standard error. Once its reader has gone (`app 2>&1 | head -n 3`), what follows is
 * dropped and the app goes on, as Python's `logging` does in the seed, instead of an uncaught
 * EPIPE with a stack trace.
 */
export function writeStderr(text: string): void {
  if (!watching) {
    watching = true
    onBrokenPipe(process.stderr, () => {
      readerGone = true
    })
  }
  if (!readerGone) {
    process.stderr.write(text)
  }
}
