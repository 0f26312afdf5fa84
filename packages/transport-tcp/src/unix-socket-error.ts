import { NetworkError, type NetworkOperation } from '@wirekit/protocol-core'
import { describeSystemError } from './network-errors.ts'

/** How a Unix socket path is shown in messages: an abstract name as `@name`, as `ss` shows it. */
export function displayUnixPath(path: string): string {
  return path.startsWith('\0') ? `@${path.slice(1)}` : path
}

/**
 * Listening on or connecting to a Unix socket path failed. A `NetworkError` (so code written for
 * TCP errors catches it too) whose `host` is the path and `port` 0; `code` is the system error's
 * (`ECONNREFUSED`, `ENOENT`, `EACCES`, ...) or wirekit's own finding: `EADDRINUSE` for a path
 * that is taken (a live server, or a file that is not a socket: never removed), `ENAMETOOLONG`
 * for a path longer than a socket address holds.
 * @example
 * ```ts
 * try {
 *   await createUnixServer(factory, { path: '/run/app.sock' })
 * } catch (error) {
 *   if (error instanceof UnixSocketError && error.code === 'EADDRINUSE') {
 *     console.error(error.message) // cannot listen on /run/app.sock: a server is listening on it (EADDRINUSE)
 *   }
 * }
 * ```
 */
export class UnixSocketError extends NetworkError {
  // No `static name` of its own: NetworkError's is typed as its literal, which a subclass cannot
  // narrow to another; the class name is `UnixSocketError` all the same.
  /** The socket's path as given (an abstract name starts with `'\0'`). */
  readonly path: string

  constructor(
    operation: NetworkOperation,
    path: string,
    code: string | undefined,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(operation, path, 0, code, reason, options)
    this.name = 'UnixSocketError'
    this.path = path
    const verb = operation === 'connect' ? 'connect to' : 'listen on'
    this.message = `cannot ${verb} ${displayUnixPath(path)}: ${reason}${code === undefined ? '' : ` (${code})`}`
  }
}

/** Wraps a system error from listening on or connecting to `path` in a {@link UnixSocketError}. */
export function toUnixSocketError(
  operation: NetworkOperation,
  path: string,
  error: unknown,
): UnixSocketError {
  if (error instanceof UnixSocketError) {
    return error
  }
  const { code, reason } = describeSystemError(error)
  return new UnixSocketError(operation, path, code, reason, { cause: error })
}
