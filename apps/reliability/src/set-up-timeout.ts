import type { Socket } from 'node:net'
import type { Report } from './checks.ts'
import { describeLiveMemory, liveBytes } from './live-memory.ts'
import { Pinger } from './pinger.ts'
import { describeDescriptorChange, mib, readDescriptors } from './process-stats.ts'
import type { StreamServerStats } from './servers/replies.ts'
import { allClosed, judgeClosedAtTimeout, openSilentPeers } from './silent-peers.ts'
import { withDrivenServer } from './targets.ts'
import { timingMargin } from './timing-margin.ts'
import { until } from './until.ts'
import { judgeRateLimit, stampedWarnings } from './warning-lines.ts'

/**
 * A stage a connection goes through before the server makes its protocol, with a timeout: the
 * TLS handshake, the PROXY header. What {@link checkSetUpTimeout} needs to attack one.
 */
export interface SetUpTimeoutSpec {
  /** The stage, for check names: `handshake`, `PROXY header`. */
  readonly stage: string
  readonly serverScript: string
  /** The server's arguments, its timeout for the stage included. */
  readonly serverArgs: readonly string[]
  readonly timeoutMs: number
  /** Peers that connect and never start the stage. */
  readonly silent: number
  /** Peers that start it and trickle it too slowly to finish in time. */
  readonly tricklers: number
  /** Connects a legitimate client and takes it through the stage. */
  connectLegitimate(port: number): Promise<Socket>
  /** Connects a peer that never completes the stage (`trickle`: it starts it, too slowly). */
  connectSilent(port: number, trickle: boolean): Promise<Socket>
  /** The failures of the stage the server counted. */
  failures(stats: StreamServerStats): number
  /** What the server's warnings about the stage say. */
  readonly warning: RegExp
}

/** The live memory one connection waiting in the stage may hold in the server, at most. */
const MAX_BYTES_PER_PENDING = 64 * 1024

const MIB = 1024 * 1024

/**
 * Attacks a set-up stage with peers that never complete it, and adds the checks to `report`:
 * every peer closed at the stage's timeout (not before it, and within a margin that grows with
 * the machine's load), counted as a failure, no protocol made for it, the failures reported
 * rate-limited; the server's live memory bounded while they wait and back to its baseline after,
 * its descriptors too; a legitimate client served all along.
 */
export async function checkSetUpTimeout(report: Report, spec: SetUpTimeoutSpec): Promise<void> {
  const total = spec.silent + spec.tricklers
  await withDrivenServer(
    spec.serverScript,
    spec.serverArgs,
    { fdLimit: total + 256, collectableGarbage: true },
    async (server) => {
      const legit = await spec.connectLegitimate(server.port)
      const pinger = new Pinger(legit)
      // The baseline holds the legitimate client's connection: the server accepts it a moment
      // after the client saw it connected.
      const accepted = await until(
        async () => (await server.command<StreamServerStats>('stats')).made === 1,
        timingMargin(1000).ms,
      )
      if (!accepted) {
        throw new Error("the server did not make the legitimate client's protocol")
      }
      const before = await server.stats()
      const descriptorsBefore = await readDescriptors(server.pid)
      const baseline = await server.collectGarbage()
      const from = server.lineCount

      const peers = await openSilentPeers(total, (index) =>
        spec.connectSilent(server.port, index < spec.tricklers),
      )
      // The server accepts a moment after the peers connected: wait for all of them.
      await until(async () => {
        const now = await server.command<StreamServerStats>('stats')
        return now.settingUp + spec.failures(now) >= total
      }, timingMargin(1000).ms)
      const held = await server.collectGarbage()
      const pending = await server.command<StreamServerStats>('stats')
      const heldProcess = await server.stats()
      const perPending =
        pending.settingUp === 0 ? 0 : (liveBytes(held) - liveBytes(baseline)) / pending.settingUp
      report.figure('live memory before', describeLiveMemory(baseline))
      report.figure(
        'live memory with the peers waiting',
        `${describeLiveMemory(held)} (${pending.settingUp} waiting)`,
      )
      report.figure(
        `live memory per pending ${spec.stage}`,
        `${(perPending / 1024).toFixed(1)} KiB`,
      )
      report.figure(
        'server RSS before / with the peers waiting (shown only)',
        `${mib(before.rss)} / ${mib(heldProcess.rss)}`,
      )
      report.check(
        `live memory per pending ${spec.stage} at most ${MAX_BYTES_PER_PENDING / 1024} KiB`,
        pending.settingUp > 0 && perPending <= MAX_BYTES_PER_PENDING,
        `${(perPending / 1024).toFixed(1)} KiB over ${pending.settingUp} waiting`,
      )

      await allClosed(peers, spec.timeoutMs + timingMargin(1000).ms + 5000)
      const silent = judgeClosedAtTimeout(peers.slice(spec.tricklers), spec.timeoutMs)
      report.figure('silent peers closed after (min / median / max)', silent.lifetimes)
      report.check(
        `every silent peer closed at the ${spec.stage} timeout`,
        silent.ok,
        silent.detail,
      )
      const trickling = judgeClosedAtTimeout(peers.slice(0, spec.tricklers), spec.timeoutMs)
      report.figure('trickling peers closed after (min / median / max)', trickling.lifetimes)
      report.check(
        `every trickling peer closed at the ${spec.stage} timeout too`,
        spec.tricklers === 0 || trickling.ok,
        trickling.detail,
      )

      const legitimate = await pinger.stop()
      report.figure('legitimate pings', legitimate.pings)
      report.check(
        "the legitimate client's echo kept working",
        legitimate.ok,
        legitimate.description,
      )
      const after = await server.command<StreamServerStats>('stats')
      report.check(
        `each one counted as a failed ${spec.stage}, no protocol made for any`,
        spec.failures(after) === total && after.made === 1,
        `${spec.failures(after)} failures counted for ${total} peers; ` +
          `${after.made} protocol(s) made (1 is the legitimate client's)`,
      )
      const warnings = stampedWarnings(server.linesSince(from), spec.warning)
      const rate = judgeRateLimit(warnings, spec.failures(after), 10_000)
      report.check(
        'the failures were reported rate-limited (one line per 10 s)',
        rate.ok,
        rate.detail,
      )

      legit.destroy()
      let descriptors = descriptorsBefore
      const closed = await until(async () => {
        descriptors = await readDescriptors(server.pid)
        return descriptors.size <= descriptorsBefore.size - 1
      }, timingMargin(5000).ms)
      const released = await server.collectGarbage()
      report.figure('live memory after', describeLiveMemory(released))
      report.check(
        'descriptors and live memory back to the baseline (+ 1 MiB) once they are closed',
        closed && liveBytes(released) <= liveBytes(baseline) + MIB,
        `${descriptors.size} descriptors (baseline ${descriptorsBefore.size} with the legitimate ` +
          `client; ${describeDescriptorChange(descriptorsBefore, descriptors)}); ` +
          `live memory ${describeLiveMemory(released)}, baseline ${describeLiveMemory(baseline)}`,
      )
    },
  )
}
