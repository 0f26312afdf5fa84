import type { Socket } from 'node:net'
import type { SocketKind } from './socket-transport.ts'
import { displayUnixPath } from './unix-socket-error.ts'

/**
 * The kind of a connection a Unix server accepted on `path`. Addresses are asyncio's for
 * `AF_UNIX`: `sockname` is the server's path, `peername` is `''`, the name of a client that did
 * not bind its socket to a path (nearly every client; Node cannot read a bound client's name).
 * Resets are probed at EOF as for TCP: a Unix peer that closes with bytes unread resets too.
 */
export function unixServerKind(path: string): (socket: Socket) => SocketKind {
  const kind: SocketKind = {
    peername: '',
    sockname: path,
    peer: `a client of ${displayUnixPath(path)}`,
    probeResetAtEof: true,
  }
  return () => kind
}

/** The kind of a connection to a Unix server at `path`: `peername` is the path, `sockname` `''`. */
export function unixClientKind(path: string): SocketKind {
  return {
    peername: path,
    sockname: '',
    peer: displayUnixPath(path),
    probeResetAtEof: true,
  }
}
