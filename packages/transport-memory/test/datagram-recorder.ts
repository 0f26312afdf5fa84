import {
  DatagramProtocol,
  type DatagramTransport,
  type TransportAddress,
} from '@wirekit/protocol-core'

/** A datagram protocol that records its callbacks, for the unit tests of the datagram pump. */
export class DatagramLog extends DatagramProtocol {
  readonly names: string[] = []
  readonly datagrams: Uint8Array[] = []
  readonly senders: TransportAddress[] = []
  readonly errors: Error[] = []
  lostError: Error | undefined

  /** The first byte of each datagram received, in order: the tests number their datagrams so. */
  get numbers(): number[] {
    return this.datagrams.map((data) => data[0] ?? -1)
  }

  override connectionMade(transport: DatagramTransport): void {
    super.connectionMade(transport)
    this.names.push('connectionMade')
  }

  override datagramReceived(data: Uint8Array, address: TransportAddress): void {
    this.names.push('datagramReceived')
    this.datagrams.push(data)
    this.senders.push(address)
  }

  override errorReceived(error: Error): void {
    this.names.push('errorReceived')
    this.errors.push(error)
  }

  override connectionLost(error: Error | undefined): void {
    this.names.push('connectionLost')
    this.lostError = error
  }

  override pauseWriting(): void {
    this.names.push('pauseWriting')
  }

  override resumeWriting(): void {
    this.names.push('resumeWriting')
  }

  /** The transport, which must be there. */
  get t(): DatagramTransport {
    if (this.transport === undefined) {
      throw new Error('not connected')
    }
    return this.transport
  }
}

/** A datagram numbered `n` (its first byte), `size` bytes long. */
export function numbered(n: number, size = 1): Uint8Array {
  const data = new Uint8Array(size)
  data[0] = n
  return data
}
