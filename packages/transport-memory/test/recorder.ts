import { Protocol, type Transport } from '@wirekit/protocol-core'

/** A protocol that records its callbacks, for the unit tests of the pump. */
export class Log extends Protocol {
  readonly names: string[] = []
  readonly chunks: Uint8Array[] = []
  keepOpenOnEof = false
  lostError: Error | undefined

  get received(): string {
    return Buffer.concat(this.chunks).toString('latin1')
  }

  receivedLength(): number {
    return this.chunks.reduce((sum, chunk) => sum + chunk.length, 0)
  }

  override connectionMade(transport: Transport): void {
    super.connectionMade(transport)
    this.names.push('connectionMade')
  }

  override dataReceived(data: Uint8Array): void {
    this.names.push('dataReceived')
    this.chunks.push(data)
  }

  override eofReceived(): boolean {
    this.names.push('eofReceived')
    return this.keepOpenOnEof
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
  get t(): Transport {
    if (this.transport === undefined) {
      throw new Error('not connected')
    }
    return this.transport
  }
}

/** Bytes from latin1 text. */
export const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'))
