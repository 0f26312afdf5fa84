import type { ProxyAddress, ProxyHeader } from '@wirekit/proxy-protocol'
import type { CompleteSocketKind, SocketKind } from './socket-transport.ts'

function label(address: ProxyAddress): string {
  return address.family === 'unix' ? address.path : `${address.address} port ${address.port}`
}

/**
 * The kind of a connection that came through a balancer with a PROXY header: `peername` and
 * `sockname` are the client's and the address it connected to, as the header says (the
 * connection's own where the header has none: LOCAL, UNKNOWN); `proxyHeader` gives the whole header
 * and `proxyPeername` the balancer's address.
 */
export function proxiedKind(connection: SocketKind, header: ProxyHeader): SocketKind {
  const { source, destination } = header
  const extra = new Map<string, unknown>([
    ['proxyHeader', header],
    ['proxyPeername', connection.peername],
  ])
  // Field by field, not spread: a kind may be a class whose `peer` is a getter.
  const kind: CompleteSocketKind = {
    probeResetAtEof: connection.probeResetAtEof,
    closeTimeout: connection.closeTimeout,
    unsentBytes: connection.unsentBytes,
    peername: source ?? connection.peername,
    sockname: destination ?? connection.sockname,
    peer: source === undefined ? connection.peer : label(source),
    extraInfo: (name) => extra.get(name) ?? connection.extraInfo?.(name),
  }
  return kind
}
