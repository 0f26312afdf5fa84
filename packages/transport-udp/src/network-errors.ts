import { NetworkError, type NetworkOperation } from '@wirekit/protocol-core'

/** Plain reasons for the codes binding, resolving and connecting a UDP socket meet. */
const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'address not available',
  EAFNOSUPPORT: 'address family not supported',
  EAI_AGAIN: 'temporary failure in name resolution',
  EHOSTUNREACH: 'host unreachable',
  EINVAL: 'invalid argument',
  ENETUNREACH: 'network unreachable',
  ENODATA: 'no address of that family',
  ENOTFOUND: 'host not found',
}

/**
 * Wraps a system error from setting up an endpoint in a {@link NetworkError} that keeps its
 * `code`, names the address, and chains the original as `cause`. Binding and the socket options
 * applied with it count as `listen`; resolving and connecting to the remote address as `connect`.
 */
export function toNetworkError(
  operation: NetworkOperation,
  host: string,
  port: number,
  error: unknown,
  context?: string,
): NetworkError {
  if (error instanceof NetworkError) {
    return error
  }
  const { code } = (typeof error === 'object' && error != null ? error : {}) as { code?: unknown }
  const known = typeof code === 'string' ? code : undefined
  const reason =
    (known === undefined ? undefined : REASONS[known]) ??
    (error instanceof Error && error.message !== '' ? error.message : 'failed')
  return new NetworkError(
    operation,
    host,
    port,
    known,
    context === undefined ? reason : `${context}: ${reason}`,
    { cause: error },
  )
}
