import type { RecordingProtocol } from './recording-protocol.ts'
import { ByteStream } from './byte-stream.ts'
import type { Side } from './open-connection.ts'

/** Bounds of {@link fillWriteBuffer}: it gives up past them rather than loop. */
const CHUNK_SIZE = 64 * 1024
const MAX_BYTES = 64 * 1024 * 1024
const MAX_ROUNDS = 16
/**
 * How much each round leaves in the transport's buffer before the round trip: over TCP bytes stay
 * there only once the kernel is full, but a TLS write is handed over on the next turn of the event
 * loop, so a round must write enough for the kernel to be full by then.
 */
const ROUND_SIZE = 1024 * 1024

/**
 * Sends the byte stream from `writer` to `reader`, whose reading must be paused, until the
 * writer's transport keeps bytes in its own buffer (`getWriteBufferSize() > 0`) across a round
 * trip in the other direction: then whatever sits between them (kernel buffers for TCP) is full,
 * and the buffer size moves only as the test writes, until the reader resumes.
 *
 * The round trip sends one byte from `reader` to `writer`; `writer` must be reading.
 *
 * @returns The write-buffer size once full.
 * @throws Error when the buffer never keeps bytes within 64 MiB or 16 round trips.
 */
export async function fillWriteBuffer(
  writer: Side<RecordingProtocol>,
  reader: Side<RecordingProtocol>,
  stream: ByteStream,
): Promise<number> {
  const transport = writer.transport
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    while (transport.getWriteBufferSize() < ROUND_SIZE) {
      if (stream.produced >= MAX_BYTES) {
        throw new Error(`the write buffer stayed empty after ${MAX_BYTES} bytes were written`)
      }
      transport.write(stream.next(CHUNK_SIZE))
    }
    await roundTrip(reader, writer)
    if (transport.getWriteBufferSize() > 0) {
      return transport.getWriteBufferSize()
    }
  }
  throw new Error(`the write buffer did not stay full over ${MAX_ROUNDS} round trips`)
}

/** The one-byte marker {@link roundTrip} sends. */
const MARKER = Uint8Array.of(0x21)

/**
 * Sends one byte from `from` to `to` and waits until it has arrived: proof that the transports
 * (and the event loop or pump between them) have made progress.
 */
export async function roundTrip(
  from: Side<RecordingProtocol>,
  to: Side<RecordingProtocol>,
): Promise<void> {
  const expected = to.protocol.receivedLength() + 1
  from.transport.write(MARKER)
  await to.protocol.waitForBytes(expected)
}

/** Water marks high enough that filling never pauses: the test sets its own afterwards. */
const NO_PAUSE_HIGH = 2 ** 40

/** What {@link fillTowardServer} leaves: the client's full buffer and the stream it sent. */
export interface FilledConnection {
  /** The client's write-buffer size once full. */
  readonly size: number
  /** The bytes sent so far (`stream.produced` of them); keep writing from it. */
  readonly stream: ByteStream
}

/**
 * Pauses the server's reading and fills the client's write buffer (see {@link fillWriteBuffer}),
 * with water marks that cannot pause the client meanwhile.
 */
export async function fillTowardServer(connection: {
  readonly client: Side<RecordingProtocol>
  readonly server: Side<RecordingProtocol>
}): Promise<FilledConnection> {
  connection.server.protocol.pauseReading()
  connection.client.transport.setWriteBufferLimits({ high: NO_PAUSE_HIGH, low: 0 })
  const stream = new ByteStream()
  const size = await fillWriteBuffer(connection.client, connection.server, stream)
  return { size, stream }
}
