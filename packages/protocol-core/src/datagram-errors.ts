/** Why {@link DatagramAddressError} was thrown. */
export type DatagramAddressErrorCode =
  'ERR_DATAGRAM_ADDRESS_REQUIRED' | 'ERR_DATAGRAM_ADDRESS_MISMATCH'

/**
 * Thrown by `sendto()` when its address breaks the rules (asyncio's `ValueError`): an
 * unconnected transport needs one (`ERR_DATAGRAM_ADDRESS_REQUIRED`), and a connected one takes
 * only its peer's (`ERR_DATAGRAM_ADDRESS_MISMATCH`). Nothing is sent.
 * @example
 * ```ts
 * try { transport.sendto(data) } catch (e) {
 *   if (e instanceof DatagramAddressError && e.code === 'ERR_DATAGRAM_ADDRESS_REQUIRED') { ... }
 * }
 * ```
 */
export class DatagramAddressError extends Error {
  static override readonly name = 'DatagramAddressError'
  /** A stable code to test against, in Node's style. */
  readonly code: DatagramAddressErrorCode

  constructor(code: DatagramAddressErrorCode, message: string) {
    super(message)
    this.name = 'DatagramAddressError'
    this.code = code
  }
}
