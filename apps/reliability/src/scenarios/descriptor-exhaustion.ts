import type { Socket } from 'node:net'
import { Report, type ScenarioResult } from '../checks.ts'
import { Receiver, connectPeer, describeEcho, echoOnce, randomChunks } from '../peer.ts'
import { cpuSeconds, pollStats } from '../process-stats.ts'
import { withServer, type Targets } from '../targets.ts'

/** Sizes of {@link runDescriptorExhaustion}. */
export interface DescriptorExhaustionParams {
  /** The server's `ulimit -n`. */
  readonly fdLimit?: number
  /** Peers connected one after another, each kept open. */
  readonly connects: number
  /** How long the server is watched for a busy loop once its descriptors are exhausted. */
  readonly idleWindowMs?: number
}

const BACK_OFF = 'refusing new connections until some close'
const RESUMED = 'accepting connections again'

/**
 * Scenario 12: more peers than the server has descriptors (its `ulimit -n` lowered). The server
 * must live, refuse the excess at once (EOF or reset, no hang), say so once when it backs off,
 * use no CPU while exhausted, and, once the peers go, say so once and serve again.
 */
export async function runDescriptorExhaustion(
  targets: Targets,
  params: DescriptorExhaustionParams,
): Promise<ScenarioResult> {
  const fdLimit = params.fdLimit ?? 64
  const report = new Report(
    '12',
    'accept errors: descriptors exhausted (EMFILE)',
    `${params.connects} peers, ulimit -n ${fdLimit}`,
  )
  try {
    await withServer(targets, { fdLimit }, async (server) => {
      const baseline = await server.stats()
      const from = server.lineCount
      const peers: { socket: Socket; receiver: Receiver }[] = []
      let failedConnects = 0
      for (let i = 0; i < params.connects; i += 1) {
        try {
          const socket = await connectPeer(targets.host, server.port, 5000)
          peers.push({ socket, receiver: new Receiver(socket) })
        } catch {
          failedConnects += 1
        }
      }
      // Everything beyond what the server can hold is closed by it: wait for those closes.
      const held = (): number => peers.filter(({ receiver }) => receiver.closedAt == null).length
      const deadline = performance.now() + 10_000
      let previous = -1
      while (held() !== previous && performance.now() < deadline) {
        previous = held()
        await Promise.race([
          ...peers
            .filter(({ receiver }) => receiver.closedAt == null)
            .map((p) => p.receiver.closed),
          new Promise((resolve) => setTimeout(resolve, 200)),
        ])
      }
      const exhausted = await server.stats()
      report.figure('peers held by the server', held())
      report.figure('peers closed by the server', peers.length - held())
      report.figure('server descriptors at the peak', `${exhausted.fds} of ${fdLimit}`)
      report.check(
        'the excess was closed by the server, not left hanging',
        held() < params.connects && held() + failedConnects < params.connects,
        `${held()} held, ${peers.length - held()} closed, ${failedConnects} failed to connect`,
      )
      const cpuBefore = await cpuSeconds(server.pid)
      // A measuring window: no event marks the absence of a busy loop.
      await new Promise((resolve) => setTimeout(resolve, params.idleWindowMs ?? 1000))
      const cpuUsed = (await cpuSeconds(server.pid)) - cpuBefore
      report.figure('server CPU while exhausted', `${cpuUsed.toFixed(2)} s in 1 s`)
      report.check('no busy loop while exhausted', cpuUsed < 0.3, `${cpuUsed.toFixed(2)} CPU s`)
      report.check('the server lives', server.alive, server.alive ? 'running' : 'exited')
      const backOffLines = server.linesSince(from).filter((line) => line.includes(BACK_OFF))
      report.check(
        'one line when the back-off began',
        backOffLines.length === 1,
        backOffLines.join(' | ') || 'none',
      )

      for (const { socket } of peers) {
        socket.destroy()
      }
      await pollStats(server.pid, (now) => now.fds <= baseline.fds, 5000)
      const echo = await echoOnce(targets.host, server.port, randomChunks(64 * 1024))
      report.check('the server echoes again once peers are gone', echo.exact, describeEcho(echo))
      const lines = server.linesSince(from)
      const resumedLines = lines.filter((line) => line.includes(RESUMED))
      report.check(
        'one line when it ended',
        resumedLines.length === 1,
        resumedLines.join(' | ') || 'none',
      )
      for (const line of [...backOffLines, ...resumedLines]) {
        report.figure(line.includes(BACK_OFF) ? 'back-off line' : 'resume line', line)
      }
      report.check(
        'no stack trace in the log',
        !lines.some((line) => /^\s+at /.test(line)),
        `${lines.length} lines`,
      )
    })
  } catch (error) {
    report.fail('scenario ran to the end', error)
  }
  return report.finish()
}
