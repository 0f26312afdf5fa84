import { randomBytes } from 'node:crypto'
import { Report, type ScenarioResult } from '../checks.ts'
import { Receiver, connectPeer, pingPong } from '../peer.ts'
import { withServer, type Targets } from '../targets.ts'

/** Sizes of {@link runIdleTimeout}. */
export interface IdleTimeoutParams {
  /** Clients that connect and never send. */
  readonly silent: number
  /** The server's `--idle-timeout`, in seconds. */
  readonly timeoutSeconds?: number
  /** The allowed relative error on the close time. */
  readonly tolerance?: number
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`

/**
 * Scenario 9b: silent clients against `--idle-timeout`. Each must be closed at the timeout (within
 * the tolerance), while a legitimate client that pings all along keeps its echo working.
 */
export async function runIdleTimeout(
  targets: Targets,
  params: IdleTimeoutParams,
): Promise<ScenarioResult> {
  const timeoutS = params.timeoutSeconds ?? 2
  const tolerance = params.tolerance ?? 0.2
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
        let pings = 0
        let badPings = 0
        const pinging = { on: true }
        const pinger = (async () => {
          while (pinging.on && !legit.destroyed) {
            if (await pingPong(legit, randomBytes(1024), 2000)) {
              pings += 1
            } else {
              badPings += 1
              return
            }
            await new Promise((resolve) => setTimeout(resolve, 250))
          }
        })()

        const silent: { receiver: Receiver; connectedAt: number }[] = []
        for (let first = 0; first < params.silent; first += 200) {
          const batch = await Promise.all(
            Array.from({ length: Math.min(200, params.silent - first) }, async () => {
              const socket = await connectPeer(targets.host, server.port)
              return { receiver: new Receiver(socket), connectedAt: performance.now() }
            }),
          )
          silent.push(...batch)
        }
        const waitMs = timeoutS * 1000 * (1 + tolerance) + 3000
        await Promise.race([
          Promise.all(silent.map(({ receiver }) => receiver.closed)),
          new Promise((resolve) => setTimeout(resolve, waitMs)),
        ])
        pinging.on = false
        await pinger
        const lifetimes = silent
          .map(({ receiver, connectedAt }) =>
            receiver.closedAt == null ? Infinity : receiver.closedAt - connectedAt,
          )
          .sort((a, b) => a - b)
        const low = timeoutS * 1000 * (1 - tolerance)
        const high = timeoutS * 1000 * (1 + tolerance)
        const outside = lifetimes.filter((ms) => ms < low || ms > high).length
        const median = lifetimes[Math.floor(lifetimes.length / 2)] ?? NaN
        report.figure(
          'close after connect (min / median / max)',
          `${seconds(lifetimes[0] ?? NaN)} / ${seconds(median)} / ${seconds(lifetimes.at(-1) ?? NaN)}`,
        )
        report.check(
          `every silent client closed at ${timeoutS} s ± ${tolerance * 100}%`,
          outside === 0,
          `${lifetimes.length - outside} of ${lifetimes.length} within ${seconds(low)}..${seconds(high)}; ` +
            `ends: ${[...new Set(silent.map(({ receiver }) => receiver.end))].join(', ')}`,
        )
        report.figure('legitimate pings', pings)
        report.check(
          "the legitimate client's echo kept working",
          badPings === 0 && pings > 0 && !legit.destroyed,
          `${pings} pings echoed byte-exact, ${badPings} failed, connection ${legit.destroyed ? 'closed' : 'still open'}`,
        )
        legit.destroy()
      },
    )
  } catch (error) {
    report.fail('scenario ran to the end', error)
  }
  return report.finish()
}
