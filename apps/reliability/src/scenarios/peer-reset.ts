import { Report, type ScenarioResult } from '../checks.ts'
import {
  Receiver,
  Sender,
  connectPeer,
  describeEcho,
  echoOnce,
  randomChunks,
  writeAll,
} from '../peer.ts'
import { baselineAfter, pollStats } from '../process-stats.ts'
import { withServer, type Targets } from '../targets.ts'

/** Sizes of {@link runPeerReset}. */
export interface PeerResetParams {
  /** The transfer the resetting peer starts; it resets halfway. */
  readonly bytes: number
  /** Clients echoing alongside, and how much each sends. */
  readonly concurrentClients?: number
  readonly concurrentBytes?: number
}

/** A line that is part of a stack trace. */
export const STACK_LINE = /^\s+at\s/

/**
 * Scenario 4: a peer resets (SO_LINGER 0, `socket.resetAndDestroy()`) halfway through a transfer.
 * The server must live, log at most one line about it, free its descriptor, and keep the
 * concurrent clients byte-exact.
 */
export async function runPeerReset(
  targets: Targets,
  params: PeerResetParams,
): Promise<ScenarioResult> {
  const clients = params.concurrentClients ?? 4
  const clientBytes = params.concurrentBytes ?? 8 * 1024 * 1024
  const report = new Report(
    '4',
    'a peer resets mid-transfer',
    `${params.bytes / 2 ** 20} MiB transfer`,
  )
  try {
    await withServer(targets, {}, async (server) => {
      const baseline = (
        await baselineAfter(server.pid, async () => {
          const warmUp = await echoOnce(targets.host, server.port, randomChunks(64 * 1024))
          report.check('warm-up echo is byte-exact', warmUp.exact, describeEcho(warmUp))
        })
      ).fds
      report.figure('baseline descriptors', baseline)

      const others = Array.from({ length: clients }, () =>
        echoOnce(
          targets.host,
          server.port,
          randomChunks(clientBytes, () => 16 * 1024),
        ),
      )
      const socket = await connectPeer(targets.host, server.port)
      const port = socket.localPort ?? -1
      const receiver = new Receiver(socket)
      const sender = new Sender()
      let mark = server.lineCount
      const half = Math.floor(params.bytes / 2)
      const halfway = (function* () {
        for (const chunk of randomChunks(params.bytes)) {
          if (sender.bytes >= half) {
            mark = server.lineCount
            socket.resetAndDestroy()
            return
          }
          yield chunk
        }
      })()
      await writeAll(socket, halfway, sender)
      await receiver.closed
      report.figure('sent before the reset', `${(sender.bytes / 2 ** 20).toFixed(1)} MiB`)
      report.figure('echoed before the reset', `${(receiver.bytes / 2 ** 20).toFixed(1)} MiB`)

      const outcomes = await Promise.all(others)
      const exact = outcomes.filter((outcome) => outcome.exact).length
      report.check(
        `${clients} concurrent clients stayed byte-exact`,
        exact === clients,
        outcomes.map(describeEcho).join('; '),
      )
      const freed = await pollStats(server.pid, (stats) => stats.fds <= baseline, 5000)
      report.check(
        'the descriptor was freed (count back to baseline)',
        freed.held,
        `${freed.stats.fds} descriptors, baseline ${baseline}`,
      )
      const after = await echoOnce(targets.host, server.port, randomChunks(64 * 1024))
      report.check(
        'the server lives and serves a new client',
        server.alive && after.exact,
        `alive: ${server.alive}; ${describeEcho(after)}`,
      )
      const lines = server.linesSince(mark)
      const aboutIt = lines.filter(
        (line) => new RegExp(`(port |:)${port}\\b`).test(line) || /reset|error/i.test(line),
      )
      report.figure(
        'log lines about the reset',
        aboutIt.length === 0 ? 0 : `${aboutIt.length}: ${aboutIt.join(' | ')}`,
      )
      report.check(
        'at most one log line for the reset',
        aboutIt.length <= 1,
        aboutIt.join(' | ') || 'none',
      )
      const stack = lines.filter((line) => STACK_LINE.test(line))
      report.check(
        'no stack trace in the log',
        stack.length === 0,
        stack.slice(0, 3).join(' | ') || 'none',
      )
    })
  } catch (error) {
    report.fail('scenario ran to the end', error)
  }
  return report.finish()
}
