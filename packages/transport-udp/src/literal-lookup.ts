import { lookup, type LookupOneOptions } from 'node:dns'
import { isIP } from 'node:net'

/**
 * The address lookup of the endpoint's socket: an IP address is its own answer, given at once;
 * a host name goes to `dns.lookup()`, Node's default. Node's default answers an IP address one
 * tick later too, so that every datagram sent to an address (every reply of a server) would wait
 * a turn of the event loop before it reaches the socket; answered at once, it is sent from within
 * `sendto()`.
 * @param options - What dgram passes: the socket's family, 4 or 6 (its types say dns options).
 */
export function literalFirstLookup(
  hostname: string,
  options: number | LookupOneOptions,
  callback: (error: NodeJS.ErrnoException | null, address: string, family: number) => void,
): void {
  const literal = isIP(hostname)
  if (literal !== 0) {
    callback(null, hostname, literal)
    return
  }
  lookup(hostname, typeof options === 'number' ? { family: options } : options, callback)
}
