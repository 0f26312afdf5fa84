import { randomBytes, randomInt } from 'node:crypto'
import { Report, type ScenarioResult } from '../checks.ts'
import { describeEcho, echoOnce, randomChunks, type EchoOutcome } from '../peer.ts'
import { mib } from '../process-stats.ts'
import { withServer, type Targets } from '../targets.ts'

/** Sizes of {@link runByteExact}. */
export interface ByteExactParams {
  /** Bytes sent in random chunks of 1 B to 64 KiB. */
  readonly randomBytes: number
  /** How many times the 256 byte values and the invalid UTF-8 are repeated in 1-byte writes. */
  readonly oneByteRounds?: number
}

/** Byte sequences that are not valid UTF-8: a decoder in the path would change them. */
const INVALID_UTF8: readonly number[][] = [
  [0xc0, 0x80], // overlong NUL
  [0xed, 0xa0, 0x80], // a UTF-16 surrogate
  [0xf4, 0x90, 0x80, 0x80], // past U+10FFFF
  [0xe2, 0x82], // truncated sequence
  [0x80, 0xbf], // lone continuation bytes
  [0xfe, 0xff, 0xff, 0xfe], // never valid
]

/** Every byte value 0..255 followed by the invalid UTF-8 sequences. */
export function tricky(): Uint8Array {
  const values = Array.from({ length: 256 }, (_, index) => index)
  return Uint8Array.from([...values, ...INVALID_UTF8.flat()])
}

function* oneByteWrites(rounds: number): Generator<Uint8Array> {
  const pattern = tricky()
  for (let round = 0; round < rounds; round += 1) {
    for (const byte of pattern) {
      yield Uint8Array.of(byte)
    }
  }
}

/**
 * Scenario 2: byte-exact echo of all 256 byte values and invalid UTF-8, in 1-byte writes, in
 * random 1 B to 64 KiB chunks, and in one 1 MiB write. Each runs on its own connection: write,
 * FIN, read to EOF, compare SHA-256.
 */
export async function runByteExact(
  targets: Targets,
  params: ByteExactParams,
): Promise<ScenarioResult> {
  const rounds = params.oneByteRounds ?? 16
  const report = new Report(
    '2',
    'byte-exact echo of every byte value',
    `${mib(params.randomBytes)} in random chunks`,
  )
  try {
    await withServer(targets, {}, async (server) => {
      const cases: [string, () => Iterable<Uint8Array>][] = [
        [`${rounds * tricky().length} 1-byte writes`, () => oneByteWrites(rounds)],
        [
          `${params.randomBytes} B in random 1 B..64 KiB chunks, starting with every byte value`,
          function* () {
            yield tricky()
            yield* randomChunks(params.randomBytes, () => randomInt(1, 64 * 1024 + 1))
          },
        ],
        [
          'one 1 MiB write',
          () => [Buffer.concat([tricky(), randomBytes(1024 * 1024 - tricky().length)])],
        ],
      ]
      for (const [name, chunks] of cases) {
        const outcome: EchoOutcome = await echoOnce(targets.host, server.port, chunks())
        report.check(`${name}: byte-exact`, outcome.exact, describeEcho(outcome))
      }
    })
  } catch (error) {
    report.fail('scenario ran to the end', error)
  }
  return report.finish()
}
