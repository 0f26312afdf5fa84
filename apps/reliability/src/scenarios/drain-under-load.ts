import { Report, type ScenarioResult } from '../checks.ts'
import { DrainClient, type DrainRole } from '../drain-clients.ts'
import { tryConnect } from '../peer.ts'
import type { DrainFinished, DrainStarted, StreamServerStats } from '../servers/replies.ts'
import { withDrivenServer, type Targets } from '../targets.ts'
import { timingMargin } from '../timing-margin.ts'

/** Sizes of {@link runDrainUnderLoad}. */
export interface DrainUnderLoadParams {
  /** Connections exchanging data when the drain begins. */
  readonly connections: number
  /** Of them, connections that stop reading (at least 1). */
  readonly stuck?: number
  /**
   * The drain's deadline, in ms; raised to twice the load-scaled margin when the machine is that
   * loaded, so that the finishing clients can finish before it.
   */
  readonly deadlineMs?: number
}

/** Node's timers may fire up to a millisecond early against `performance.now()`. */
const TIMER_GRANULARITY_MS = 5

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`

/** `3 eof, 1 reset` for a group of clients. */
function ends(clients: readonly DrainClient[]): string {
  const counts = new Map<string, number>()
  for (const { receiver } of clients) {
    counts.set(receiver.end, (counts.get(receiver.end) ?? 0) + 1)
  }
  return [...counts].map(([end, count]) => `${count} ${end}`).join(', ')
}

/**
 * Scenario 17: `server.drain({ deadline, closeTimeout })` in the middle of load. Of the
 * connections exchanging messages when it begins, some end by themselves once told (they must be
 * counted `ended`), some keep exchanging (served until the deadline, then closed: `closed`, and
 * their clients see a clean end), and some stopped reading with bytes owed to them (the close
 * cannot flush: `aborted` after the close timeout, and their clients see a reset or an end). The
 * counts must add up to the connections open at the drain, every connection must get its
 * `connectionLost`, every protocol be told once, no new connection be accepted, and every client
 * see its echo as a byte-exact prefix of what it sent.
 */
export async function runDrainUnderLoad(
  targets: Targets,
  params: DrainUnderLoadParams,
): Promise<ScenarioResult> {
  const stuckCount = Math.max(1, params.stuck ?? Math.min(20, Math.ceil(params.connections / 40)))
  const finishingCount = Math.floor((params.connections - stuckCount) / 2)
  const busyCount = params.connections - stuckCount - finishingCount
  const margin = timingMargin(1000)
  const tenths = (ms: number): number => Math.ceil(ms / 100) * 100
  const deadlineMs = Math.max(params.deadlineMs ?? 3000, tenths(2 * margin.ms))
  const closeTimeoutMs = Math.max(1000, tenths(margin.ms))
  const report = new Report(
    '17',
    'drain under load',
    `${params.connections} connections (${finishingCount} finishing, ${busyCount} busy, ${stuckCount} stuck), ` +
      `deadline ${seconds(deadlineMs)}, close timeout ${seconds(closeTimeoutMs)}`,
  )
  try {
    await withDrivenServer(
      targets.streamServerScript,
      ['--host', targets.host],
      { fdLimit: params.connections + 256 },
      async (server) => {
        const roles: DrainRole[] = [
          ...Array.from({ length: finishingCount }, (): DrainRole => 'finishing'),
          ...Array.from({ length: busyCount }, (): DrainRole => 'busy'),
          ...Array.from({ length: stuckCount }, (): DrainRole => 'stuck'),
        ]
        const clients: DrainClient[] = []
        for (let first = 0; first < roles.length; first += 200) {
          clients.push(
            ...(await Promise.all(
              roles
                .slice(first, first + 200)
                .map((role) => DrainClient.open(targets.host, server.port, role)),
            )),
          )
        }
        const group = (role: DrainRole): DrainClient[] =>
          clients.filter((client) => client.role === role)
        await Promise.all(group('stuck').map((client) => client.start()))
        await Promise.all(group('finishing').map((client) => client.start()))
        await Promise.all(group('busy').map((client) => client.start()))
        const before = await server.command<StreamServerStats>('stats')
        report.check(
          `all ${params.connections} connected and served before the drain`,
          before.made === params.connections && before.open === params.connections,
          `${before.made} made, ${before.open} open; stuck clients blocked after ` +
            group('stuck')
              .map(({ matcher }) => `${(matcher.sentBytes / 2 ** 20).toFixed(1)} MiB`)
              .join(', '),
        )

        const drained = server.nextReply<DrainFinished>(
          'drained',
          deadlineMs + closeTimeoutMs + margin.ms + 10_000,
        )
        const started = await server.command<DrainStarted>(
          `drain ${deadlineMs} ${closeTimeoutMs}`,
          'draining',
        )
        const drainSeenAt = performance.now()
        report.check(
          'the drain began with every connection open',
          started.open === params.connections && started.settingUp === 0,
          `${started.open} open, ${started.settingUp} setting up`,
        )
        for (const client of group('finishing')) {
          client.finish()
        }
        const refusal = await tryConnect(targets.host, server.port)
        report.check(
          'a new connect during the drain is refused',
          refusal === 'ECONNREFUSED',
          refusal,
        )

        const result = await drained
        const drainMs = result.at - started.at
        report.figure(
          'drain result',
          `${result.ended} ended, ${result.closed} closed, ${result.aborted} aborted, after ${seconds(drainMs)}`,
        )
        report.check(
          'the counts add up to the connections open at the drain',
          result.ended + result.closed + result.aborted === started.open,
          `${result.ended} + ${result.closed} + ${result.aborted} = ` +
            `${result.ended + result.closed + result.aborted}, ${started.open} open at the drain`,
        )
        report.check(
          'finishing ones counted ended, busy ones closed, stuck ones aborted',
          result.ended === finishingCount &&
            result.closed === busyCount &&
            result.aborted === stuckCount,
          `${result.ended}/${finishingCount} ended, ${result.closed}/${busyCount} closed, ` +
            `${result.aborted}/${stuckCount} aborted`,
        )
        const earliest = deadlineMs + closeTimeoutMs - TIMER_GRANULARITY_MS
        report.check(
          'the drain resolved after the deadline and the close timeout, not later than a margin after',
          drainMs >= earliest && drainMs <= deadlineMs + closeTimeoutMs + margin.ms,
          `${seconds(drainMs)} for ${seconds(deadlineMs)} + ${seconds(closeTimeoutMs)} ` +
            `(margin ${margin.description})`,
        )

        const after = await server.command<StreamServerStats>('stats')
        report.check(
          'connectionLost for every connection; every protocol told to drain once',
          after.made === params.connections &&
            after.lost === after.made &&
            after.toldToDrain === started.open,
          `${after.made} made, ${after.lost} lost, ${after.toldToDrain} told to drain`,
        )

        const busy = group('busy')
        const idleBusy = busy.filter((client) => client.exchangesAfter(drainSeenAt) === 0)
        report.figure(
          'exchanges by busy clients during the drain',
          busy.reduce((total, client) => total + client.exchangesAfter(drainSeenAt), 0),
        )
        report.check(
          'busy connections served until the deadline',
          idleBusy.length === 0,
          `${busy.length - idleBusy.length} of ${busy.length} completed exchanges after the drain began`,
        )

        await Promise.all(clients.map((client) => client.done(margin.ms + 5000)))
        const finishing = group('finishing')
        report.check(
          'finishing clients: every echo complete and exact, then a clean end',
          finishing.every(
            ({ matcher, receiver }) =>
              matcher.prefixExact && matcher.outstanding === 0 && receiver.end === 'eof',
          ),
          `ends: ${ends(finishing)}; ` +
            `${finishing.filter(({ matcher }) => matcher.outstanding !== 0).length} with echo missing, ` +
            `${finishing.filter(({ matcher }) => !matcher.prefixExact).length} inexact`,
        )
        report.check(
          'busy clients: a byte-exact prefix of their echo, then a clean end',
          busy.every(({ matcher, receiver }) => matcher.prefixExact && receiver.end === 'eof'),
          `ends: ${ends(busy)}; ${busy.filter(({ matcher }) => !matcher.prefixExact).length} inexact`,
        )
        const stuck = group('stuck')
        report.check(
          'stuck clients: a byte-exact prefix of their echo, then a reset or an end',
          stuck.every(
            ({ matcher, receiver }) =>
              matcher.prefixExact && (receiver.end === 'reset' || receiver.end === 'eof'),
          ),
          `ends: ${ends(stuck)}; ${stuck
            .map(
              ({ matcher }) =>
                `${(matcher.receivedBytes / 2 ** 20).toFixed(1)} of ${(matcher.sentBytes / 2 ** 20).toFixed(1)} MiB back`,
            )
            .join(', ')}`,
        )
        for (const { socket } of clients) {
          socket.destroy()
        }
      },
    )
  } catch (error) {
    report.fail('scenario ran to the end', error)
  }
  return report.finish()
}
