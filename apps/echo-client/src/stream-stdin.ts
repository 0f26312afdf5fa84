import { onBrokenPipe } from '@wirekit/app-support'
import type { Transport } from '@wirekit/protocol-core'
import type { EchoClient, EchoSink, EchoSource } from './echo-client-protocol.ts'

/** Standard input as the client's source: paused and resumed by the transport's flow control. */
export const stdinSource: EchoSource = {
  pause: () => process.stdin.pause(),
  resume: () => process.stdin.resume(),
}

/** The echo's sink on standard output, which knows whether its reader has gone. */
export interface StdoutSink extends EchoSink {
  /** `true` once the reader of standard output has gone (EPIPE). */
  readonly readerGone: boolean
}

/**
 * Standard output as the client's sink, with backpressure when it is slower than the network.
 * Once the reader of standard output has gone (`echo-client --stdin < big | head -c 10`), the
 * echo is dropped and `onReaderGone` is called, once.
 */
export function stdoutSink(onReaderGone: () => void): StdoutSink {
  let readerGone = false
  onBrokenPipe(process.stdout, () => {
    readerGone = true
    onReaderGone()
  })
  return {
    get readerGone() {
      return readerGone
    },
    write: (chunk) => readerGone || process.stdout.write(chunk),
    onDrain: (listener) => process.stdout.once('drain', listener),
  }
}

/** Sends standard input through the client, then EOF once it ends. */
export function streamStdin(client: EchoClient, transport: Transport): void {
  process.stdin.on('data', (chunk: Buffer) => {
    client.send(chunk)
  })
  process.stdin.once('end', () => {
    if (!transport.isClosing()) {
      transport.writeEof()
    }
  })
}
