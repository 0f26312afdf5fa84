import { Report, type ScenarioResult } from '../checks.ts'
import { connectPeer } from '../peer.ts'
import { Pinger } from '../pinger.ts'
import { allClosed, judgeClosedAtTimeout, openSilentPeers } from '../silent-peers.ts'
import { withServer, type Targets } from '../targets.ts'
import { timingMargin } from '../timing-margin.ts'

/** Sizes of {@link runIdleTimeout}. */
export interface IdleTimeoutParams {
  /** Clients that connect and never send. */
  readonly silent: number
  /** The server's `--idle-timeout`, in seconds. */
  readonly timeoutSeconds?: number
}

/**
 * Scenario 9b: silent clients against `--idle-timeout`. Each must be closed at the timeout (not
 * before it, and within a margin that grows with the machine's load), while a legitimate client
 * that pings all along keeps its echo working.
 */
export async function runIdleTimeout(
  targets: Targets,
  params: IdleTimeoutParams,
): Promise<ScenarioResult> {
  const timeoutS = params.timeoutSeconds ?? 2
  const report = new Report(
    '9b',
    'silent clients against --idle-timeout',
    `${params.silent} silent, ${timeoutS} s`,
  )
  try {
    await withServer(
      targets,
      { args: ['--idle-timeout', String(timeoutS)], fdLimit: Math.max(1024, params.silent + 256) },
      async (server) => {
        const legit = await connectPeer(targets.host, server.port)
        const pinger = new Pinger(legit)
        const silent = await openSilentPeers(params.silent, () =>
          connectPeer(targets.host, server.port),
        )
        await allClosed(silent, timeoutS * 1000 + timingMargin(1000).ms + 3000)
        const legitimate = await pinger.stop()
        const closed = judgeClosedAtTimeout(silent, timeoutS * 1000)
        report.figure('close after connect (min / median / max)', closed.lifetimes)
        report.check(`every silent client closed at ${timeoutS} s`, closed.ok, closed.detail)
        report.figure('legitimate pings', legitimate.pings)
        report.check(
          "the legitimate client's echo kept working",
          legitimate.ok,
          legitimate.description,
        )
        legit.destroy()
      },
    )
  } catch (error) {
    report.fail('scenario ran to the end', error)
  }
  return report.finish()
}
