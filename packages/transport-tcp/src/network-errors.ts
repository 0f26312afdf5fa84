import { NetworkError, type NetworkOperation } from '@wirekit/protocol-core'

const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EAGAIN: "the server's queue of pending connections is full",
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'address not available',
  EAI_AGAIN: 'temporary failure in name resolution',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  EHOSTUNREACH: 'host unreachable',
  EMFILE: 'too many open files',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a component of the path is not a directory',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host not found',
  ETIMEDOUT: 'timed out',
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error == null) {
    return undefined
  }
  const { code, errors } = error as { code?: unknown; errors?: unknown }
  if (typeof code === 'string') {
    return code
  }
  // Happy-eyeballs connects fail with an AggregateError of one error per address tried.
  return Array.isArray(errors) ? codeOf(errors[0]) : undefined
}

/** A system error's `code` and a plain reason for messages. */
export function describeSystemError(error: unknown): {
  code: string | undefined
  reason: string
} {
  const code = codeOf(error)
  const reason =
    (code === undefined ? undefined : REASONS[code]) ??
    (error instanceof Error && error.message !== '' ? error.message : 'failed')
  return { code, reason }
}

/** Wraps a system error from connecting or listening in a {@link NetworkError} with a plain reason. */
export function toNetworkError(
  operation: NetworkOperation,
  host: string,
  port: number,
  error: unknown,
): NetworkError {
  if (error instanceof NetworkError) {
    return error
  }
  const { code, reason } = describeSystemError(error)
  return new NetworkError(operation, host, port, code, reason, { cause: error })
}
