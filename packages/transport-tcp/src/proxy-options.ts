import { BlockList } from 'node:net'
import type { ProxyProtocolVersion } from '@wirekit/proxy-protocol'
import { checkDuration } from './validate-options.ts'

/** Tells whether a peer may send a PROXY header: a balancer this server trusts. */
export type TrustedProxies = BlockList | ((address: string, family: 'IPv4' | 'IPv6') => boolean)

/**
 * The PROXY protocol on a server (HAProxy's `send-proxy`/`send-proxy-v2`, nginx `proxy_protocol`,
 * AWS NLB): each connection must start with a header from a trusted balancer, which gives the
 * client's real address. Nothing is guessed: a connection from an untrusted peer, without a valid
 * header, or whose header does not come in time is closed before any protocol exists.
 */
export interface ProxyProtocolOptions {
  /**
   * The balancers allowed to send a header: a `net.BlockList` whose rules list them (an address it
   * `check()`s is trusted), or a predicate. Required: a server that took a header from anyone would
   * let anyone choose the address it reports.
   */
  trusted: TrustedProxies
  /**
   * The versions accepted.
   * @default [1, 2]
   */
  versions?: readonly ProxyProtocolVersion[]
  /**
   * Milliseconds the header may take to arrive, from the connection on.
   * @default 10000
   */
  timeout?: number
  /**
   * The most bytes a header may take (version 2 TLVs included).
   * @default 4096
   */
  maxHeaderSize?: number
}

/** {@link ProxyProtocolOptions} checked, with their defaults. */
export interface ResolvedProxyOptions {
  readonly trusted: (address: string, family: 'IPv4' | 'IPv6') => boolean
  readonly versions: readonly ProxyProtocolVersion[]
  readonly timeout: number
  readonly maxHeaderSize: number | undefined
}

const DEFAULT_TIMEOUT = 10_000

/** Checks a server's `proxyProtocol` option; throws a TypeError or RangeError naming what is wrong. */
export function resolveProxyOptions(value: unknown): ResolvedProxyOptions {
  if (typeof value !== 'object' || value == null) {
    throw new TypeError('option proxyProtocol must be an object with at least trusted')
  }
  const options = value as ProxyProtocolOptions
  const { trusted } = options
  let check: ResolvedProxyOptions['trusted']
  if (trusted instanceof BlockList) {
    check = (address, family) => trusted.check(address, family === 'IPv6' ? 'ipv6' : 'ipv4')
  } else if (typeof trusted === 'function') {
    check = trusted
  } else {
    throw new TypeError(
      'option proxyProtocol.trusted must be a net.BlockList of the trusted balancers or a predicate',
    )
  }
  return {
    trusted: check,
    versions: options.versions ?? [1, 2],
    timeout: checkDuration('proxyProtocol.timeout', options.timeout) ?? DEFAULT_TIMEOUT,
    maxHeaderSize: options.maxHeaderSize,
  }
}
