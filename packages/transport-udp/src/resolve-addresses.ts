import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import type { DatagramAddress } from '@wirekit/protocol-core'
import { toNetworkError } from './network-errors.ts'
import type { ResolvedEndpointOptions } from './validate-options.ts'

/** The addresses an endpoint binds and connects to, as IP addresses of one family. */
export interface EndpointAddresses {
  readonly family: 4 | 6
  readonly local: DatagramAddress & { readonly given: string }
  readonly remote: (DatagramAddress & { readonly given: string }) | undefined
}

/** An IP address as is (checked against `family`), or a host name resolved as asyncio does. */
async function resolveHost(
  option: string,
  host: string,
  port: number,
  family: 4 | 6 | undefined,
  operation: 'listen' | 'connect',
): Promise<{ address: string; family: 4 | 6 }> {
  const literal = isIP(host)
  if (literal === 4 || literal === 6) {
    if (family !== undefined && literal !== family) {
      throw new RangeError(
        `option ${option} ${JSON.stringify(host)} is an IPv${literal} address, but the endpoint is IPv${family}`,
      )
    }
    return { address: host, family: literal }
  }
  try {
    const found = await lookup(host, { family: family ?? 0 })
    return { address: found.address, family: found.family === 6 ? 6 : 4 }
  } catch (error) {
    throw toNetworkError(operation, host, port, error, 'cannot resolve')
  }
}

/**
 * Picks the family (the option, else the remote address's, else the local one's) and resolves
 * both addresses in it. Without a local address the endpoint binds every interface on a free
 * port, as the system binds a socket that sends before it is bound.
 * @throws RangeError when an IP address given is of another family.
 * @throws NetworkError when a host name does not resolve.
 */
export async function resolveAddresses(
  options: ResolvedEndpointOptions,
): Promise<EndpointAddresses> {
  let family = options.family
  let remote: EndpointAddresses['remote']
  if (options.remote !== undefined) {
    const { address, port } = options.remote
    const found = await resolveHost('remoteAddress.address', address, port, family, 'connect')
    family = found.family
    remote = { address: found.address, port, given: address }
  }
  if (options.local === undefined) {
    const resolvedFamily = family ?? 4
    const any = resolvedFamily === 6 ? '::' : '0.0.0.0'
    return { family: resolvedFamily, local: { address: any, port: 0, given: any }, remote }
  }
  const { address, port } = options.local
  const found = await resolveHost('localAddress.address', address, port, family, 'listen')
  return { family: found.family, local: { address: found.address, port, given: address }, remote }
}
