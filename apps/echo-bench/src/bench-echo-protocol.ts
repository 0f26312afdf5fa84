import { BufferedProtocol, DatagramProtocol, type TransportAddress } from '@wirekit/protocol-core'

/**
 * One read buffer for every connection: each read is echoed (the transport copies what it
 * writes) before the next read of any connection, so nothing holds on to it.
 */
const readBuffer = new Uint8Array(256 * 1024)

/**
 * The echo server's protocol without its log lines, for the bench-side wirekit servers that
 * stand in for `echo-server` flags it does not have yet: the seed's semantics (send back what
 * arrives, answer EOF with EOF, stop reading while the peer is not reading), on the same
 * zero-copy receive path as `echo-server` (a {@link BufferedProtocol}).
 */
export class BenchEchoProtocol extends BufferedProtocol {
  override getBuffer(): Uint8Array {
    return readBuffer
  }

  override bufferUpdated(nbytes: number): void {
    this.transport?.write(readBuffer.subarray(0, nbytes))
  }

  override eofReceived(): boolean {
    if (this.transport?.canWriteEof() === true) {
      this.transport.writeEof()
    }
    return true
  }

  override pauseWriting(): void {
    this.transport?.pauseReading()
  }

  override resumeWriting(): void {
    this.transport?.resumeReading()
  }
}

/** A datagram echo: every datagram goes back to its sender, as the seed's UDP echo does. */
export class BenchDatagramEchoProtocol extends DatagramProtocol {
  override datagramReceived(data: Uint8Array, address: TransportAddress): void {
    this.transport?.sendto(data, address)
  }
}
