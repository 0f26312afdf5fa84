/**
 * The rules every datagram transport applies alike: what `sendto()` accepts and where it may send,
 * how a queued datagram is counted, and when dropped sends are worth a warning. Transports call
 * these; protocols never need them.
 */
import { DatagramAddressError } from './datagram-errors.ts'
import type { DatagramAddress } from './datagram-transport.ts'
import { checkWriteData, DROPPED_WRITES_BEFORE_WARNING } from './transport-rules.ts'

/**
 * What each queued datagram adds to the write-buffer size besides its bytes: the UDP header, as
 * asyncio counts it, so that empty datagrams weigh something too.
 */
export const DATAGRAM_HEADER_SIZE = 8

/** An address for messages: `127.0.0.1 port 5000`, as the stream transports name their peers. */
export function describeAddress(address: DatagramAddress): string {
  return `${address.address} port ${address.port}`
}

/** `true` when both name the same address and port (compared as given, not resolved). */
export function isSameAddress(a: DatagramAddress, b: DatagramAddress): boolean {
  return a.address === b.address && a.port === b.port
}

function checkAddressShape(address: unknown): asserts address is DatagramAddress {
  if (typeof address !== 'object' || address == null) {
    throw new TypeError(`sendto() takes an address object { address, port }, got ${typeof address}`)
  }
  const { address: host, port } = address as Record<string, unknown>
  if (typeof host !== 'string' || host === '') {
    throw new TypeError('sendto() address.address must be a non-empty string')
  }
  if (typeof port !== 'number') {
    throw new TypeError(`sendto() address.port must be a number, got ${typeof port}`)
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(
      `sendto() address.port must be an integer from 1 to 65535, got ${String(port)}`,
    )
  }
}

/**
 * Checks a `sendto()` call before anything is queued, as asyncio's `sendto` does: the data must be
 * bytes, an unconnected transport needs an address, and a connected one takes none or its
 * peer's.
 * @param peer - The peer of a connected transport; `undefined` when it is not connected.
 * @returns Where to send: the address given, or `undefined` for the connected peer.
 * @throws TypeError or RangeError for data that is not a `Uint8Array` or a malformed address.
 * @throws {@link DatagramAddressError} when the address breaks the rules above.
 * @example
 * ```ts
 * const target = checkSendto(data, address, connectedPeer) // undefined: send to the peer
 * ```
 */
export function checkSendto(
  data: unknown,
  address: unknown,
  peer: DatagramAddress | undefined,
): DatagramAddress | undefined {
  checkWriteData('sendto', data)
  if (address == null) {
    if (peer === undefined) {
      throw new DatagramAddressError(
        'ERR_DATAGRAM_ADDRESS_REQUIRED',
        'sendto() needs an address: the transport is not connected',
      )
    }
    return undefined
  }
  checkAddressShape(address)
  if (peer === undefined) {
    return address
  }
  if (!isSameAddress(address, peer)) {
    throw new DatagramAddressError(
      'ERR_DATAGRAM_ADDRESS_MISMATCH',
      `sendto() on a transport connected to ${describeAddress(peer)} cannot send to ` +
        describeAddress(address),
    )
  }
  return undefined
}

/**
 * The warning for datagrams dropped after a close or abort, or `undefined` when the count does not
 * call for one: a transport counts its dropped sends and warns exactly once, from the fifth, as
 * asyncio does (and as the stream transports do for `write()`).
 * @param dropped - How many datagrams have been dropped so far, this one included.
 * @param peer - Who a connected transport sends to, when known.
 */
export function droppedSendsWarning(dropped: number, peer: string | undefined): string | undefined {
  if (dropped !== DROPPED_WRITES_BEFORE_WARNING) {
    return undefined
  }
  return (
    `sendto() called ${DROPPED_WRITES_BEFORE_WARNING} times after the endpoint` +
    `${peer === undefined ? '' : ` connected to ${peer}`} was closed; the datagrams are dropped`
  )
}
