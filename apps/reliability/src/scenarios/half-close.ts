import { Report, type ScenarioResult } from '../checks.ts'
import { describeEcho, echoOnce, randomChunks } from '../peer.ts'
import { withServer, type Targets } from '../targets.ts'

/** Sizes of {@link runHalfClose}. */
export interface HalfCloseParams {
  /** The payload sizes, each on its own connection. */
  readonly sizes: readonly number[]
}

/**
 * Scenario 3: half-close. Each payload is written, then FIN; exactly the payload must come back,
 * then EOF (not a reset, not a hang).
 */
export async function runHalfClose(
  targets: Targets,
  params: HalfCloseParams,
): Promise<ScenarioResult> {
  const report = new Report(
    '3',
    'half-close: payload, FIN, echo, EOF',
    params.sizes.map(String).join(', ') + ' B',
  )
  try {
    await withServer(targets, {}, async (server) => {
      for (const size of params.sizes) {
        const started = performance.now()
        const outcome = await echoOnce(targets.host, server.port, randomChunks(size))
        report.figure(`${size} B round trip`, `${Math.round(performance.now() - started)} ms`)
        report.check(
          `${size} B then FIN: the payload, then EOF`,
          outcome.exact,
          describeEcho(outcome),
        )
      }
    })
  } catch (error) {
    report.fail('scenario ran to the end', error)
  }
  return report.finish()
}
