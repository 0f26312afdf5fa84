import type { Transport } from '@wirekit/protocol-core'
import type { EchoClient, EchoSink, EchoSource } from './echo-client-protocol.ts'

/** Standard input as the client's source: paused and resumed by the transport's flow control. */
export const stdinSource: EchoSource = {
  pause: () => process.stdin.pause(),
  resume: () => process.stdin.resume(),
}

/** Standard output as the client's sink, with backpressure when it is slower than the network. */
export const stdoutSink: EchoSink = {
  write: (chunk) => process.stdout.write(chunk),
  onDrain: (listener) => process.stdout.once('drain', listener),
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
