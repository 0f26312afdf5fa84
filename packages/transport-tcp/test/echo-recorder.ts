import { Recorder } from './helpers.ts'

/**
 * A recorder that echoes what it receives and answers EOF with EOF, keeping its side open until
 * the echo is out (`eofReceived` returns true).
 */
export class EchoRecorder extends Recorder {
  override dataReceived(data: Uint8Array): void {
    super.dataReceived(data)
    this.transport?.write(data)
  }

  override eofReceived(): boolean {
    super.eofReceived()
    this.transport?.writeEof()
    return true
  }
}
