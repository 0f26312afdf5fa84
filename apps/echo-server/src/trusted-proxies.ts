import { BlockList, isIP } from 'node:net'
import { UsageError } from '@wirekit/app-support'

/** A balancer, or a range of them, allowed to send a PROXY header: `--trusted-proxy`. */
export interface TrustedProxy {
  /** The address, or the range's first address, as given. */
  readonly address: string
  /** The range's prefix length: 32 (IPv4) or 128 (IPv6) for one address. */
  readonly prefix: number
  readonly family: 'ipv4' | 'ipv6'
}

/**
 * Parses one `--trusted-proxy`: an IP address (`10.0.0.5`, `::1`) or a CIDR range
 * (`10.0.0.0/8`, `fd00::/8`). The range's bits past the prefix are ignored, as BlockList ignores
 * them.
 * @throws UsageError naming the value.
 */
export function parseTrustedProxy(value: string): TrustedProxy {
  const [address = '', prefixText, ...extra] = value.split('/')
  const version = isIP(address)
  const bits = version === 6 ? 128 : 32
  const prefix =
    prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN
  if (version === 0 || extra.length > 0 || !(prefix >= 0 && prefix <= bits)) {
    throw new UsageError(
      `--trusted-proxy must be an IP address or a CIDR range such as 10.0.0.0/8 or fd00::/8, got ${JSON.stringify(value)}`,
    )
  }
  return { address, prefix, family: version === 6 ? 'ipv6' : 'ipv4' }
}

/**
 * The list the transport checks each peer against. BlockList matches an IPv4 range against the
 * same addresses in their IPv6-mapped form too (`::ffff:10.0.0.5`), which is how a server
 * listening on `::` sees IPv4 peers.
 */
export function trustedProxyList(proxies: readonly TrustedProxy[]): BlockList {
  const list = new BlockList()
  for (const { address, prefix, family } of proxies) {
    list.addSubnet(address, prefix, family)
  }
  return list
}

/** The proxies as the startup line shows them: `127.0.0.1, 10.0.0.0/8`. */
export function describeTrustedProxies(proxies: readonly TrustedProxy[]): string {
  return proxies
    .map(({ address, prefix, family }) =>
      prefix === (family === 'ipv6' ? 128 : 32) ? address : `${address}/${prefix}`,
    )
    .join(', ')
}
