import { mib, type ProcessStats } from '../process-stats.ts'
import { Receiver, Sender, connectPeer, drained, echoOnce, randomChunks } from '../peer.ts'
import { Report, type ScenarioResult } from '../checks.ts'
import { withServer, type Targets } from '../targets.ts'

/** Sizes of {@link runBackpressure}. */
export interface BackpressureParams {
  /** Bytes the client sends. */
  readonly bytes: number
  /** How long a write must wait for `'drain'` before the sender counts as blocked. */
  readonly stallMs?: number
  /** How far the server's peak RSS may rise above its idle baseline. */
  readonly headroomBytes?: number
  /** Bytes echoed at full speed before the baseline is read, so that it is the steady state. */
  readonly warmUpBytes?: number
  /** The whole exchange must end within this time. */
  readonly timeoutMs?: number
}

/**
 * Scenario 1: a client writes `bytes` as fast as it can and reads nothing until its writes stall,
 * then reads everything. The server's peak RSS must stay within its idle baseline plus the
 * headroom, the sender must stall (backpressure reached it), and the echo must be byte-exact.
 */
export async function runBackpressure(
  targets: Targets,
  params: BackpressureParams,
): Promise<ScenarioResult> {
  const stallMs = params.stallMs ?? 500
  const headroom = params.headroomBytes ?? 32 * 1024 * 1024
  const timeoutMs = params.timeoutMs ?? 300_000
  const warmUpBytes = params.warmUpBytes ?? 16 * 1024 * 1024
  const report = new Report('1', 'backpressure: a client that does not read', mib(params.bytes))
  try {
    await withServer(targets, {}, async (server) => {
      report.figure('VmHWM at startup', mib((await server.stats()).peakRss))
      const warmUp = await echoOnce(targets.host, server.port, randomChunks(warmUpBytes))
      report.check('warm-up echo is byte-exact', warmUp.exact, `${warmUp.received} B back`)
      const baseline = (await server.stats()).peakRss
      report.figure('baseline VmHWM (after warm-up)', mib(baseline))

      const socket = await connectPeer(targets.host, server.port)
      const receiver = new Receiver(socket)
      socket.pause()
      const sender = new Sender()
      const started = performance.now()
      let stalledAfter: number | undefined
      let stallTime: number | undefined
      const timer = setTimeout(() => socket.destroy(new Error('timed out')), timeoutMs)
      let halfway: Promise<ProcessStats> | undefined
      for (const chunk of randomChunks(params.bytes)) {
        if (halfway == null && sender.bytes >= params.bytes / 2) {
          halfway = server.stats()
        }
        if (socket.destroyed || socket.write(sender.take(chunk))) {
          continue
        }
        if (stalledAfter == null) {
          let stallTimer: NodeJS.Timeout | undefined
          const stalled = await Promise.race([
            drained(socket).then(() => false),
            new Promise<boolean>((resolve) => {
              stallTimer = setTimeout(() => resolve(true), stallMs)
            }),
          ])
          clearTimeout(stallTimer)
          if (!stalled) {
            continue
          }
          // The sender is blocked: the server stopped reading. Now read everything.
          stalledAfter = sender.bytes - socket.writableLength
          stallTime = performance.now() - started
          socket.resume()
        }
        await drained(socket)
      }
      socket.resume()
      socket.end()
      await receiver.closed
      clearTimeout(timer)
      const elapsed = performance.now() - started
      const peak = (await server.stats()).peakRss
      const halfwayPeak = (await halfway)?.peakRss ?? peak

      report.figure('sent', mib(sender.bytes))
      report.figure('peak VmHWM', mib(peak))
      report.figure('VmHWM growth', mib(peak - baseline))
      report.figure('exchange time', `${(elapsed / 1000).toFixed(1)} s`)
      report.check(
        'the sender stalled (backpressure reached it)',
        stalledAfter != null,
        stalledAfter == null
          ? `every write drained within ${stallMs} ms: the server kept reading`
          : `no drain for ${stallMs} ms after ${mib(stalledAfter)} reached the kernel (${Math.round(stallTime ?? 0)} ms)`,
      )
      if (stalledAfter != null) {
        report.figure('accepted before the stall', mib(stalledAfter))
      }
      report.check(
        'server peak RSS within baseline + headroom',
        peak <= baseline + headroom,
        `VmHWM ${mib(peak)} vs baseline ${mib(baseline)} + ${mib(headroom)}`,
      )
      // A figure, not a check: a bounded server's heap still settles over hundreds of MiB.
      report.figure('VmHWM when half was sent', mib(halfwayPeak))
      const sentHash = sender.digest()
      const receivedHash = receiver.digest()
      report.check(
        'the full payload came back byte-exact, then EOF',
        receiver.end === 'eof' && receiver.bytes === sender.bytes && sentHash === receivedHash,
        `sent ${sender.bytes} B, received ${receiver.bytes} B, ended by ${receiver.end}, ` +
          `SHA-256 ${sentHash === receivedHash ? 'equal' : 'differ'}`,
      )
    })
  } catch (error) {
    report.fail('scenario ran to the end', error)
  }
  return report.finish()
}
