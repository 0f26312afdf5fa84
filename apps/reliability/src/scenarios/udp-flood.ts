import { Report, type ScenarioResult } from '../checks.ts'
import { describeLiveMemory, liveBytes } from '../live-memory.ts'
import { mib } from '../process-stats.ts'
import type { ServerProcess } from '../server-process.ts'
import type { DatagramReceiverStats, DatagramSenderStats } from '../servers/replies.ts'
import { withDrivenServer, type Targets } from '../targets.ts'
import { timingMargin } from '../timing-margin.ts'
import { readUDPSocket } from '../udp-sockets.ts'
import { until } from '../until.ts'

/** Sizes of {@link runUDPFlood}. */
export interface UDPFloodParams {
  /** Datagrams the sender sends, after a warm-up of 2,000. */
  readonly datagrams: number
  /** Bytes per datagram. */
  readonly size?: number
  /** CPU time the receiver spends on each datagram, in µs: what makes it slow. */
  readonly busyMicroseconds?: number
}

const MIB = 1024 * 1024

/** How much a process's peak RSS may grow over its warmed-up baseline. */
const MAX_PEAK_GROWTH = 32 * MIB

const WARM_UP = 2000

/** Waits until the receiver has read everything the kernel holds for it; resolves its drops. */
async function settledDrops(receiver: ServerProcess, timeoutMs: number): Promise<number> {
  await until(
    async () => ((await readUDPSocket(receiver.port))?.receiveQueue ?? 0) === 0,
    timeoutMs,
  )
  return (await readUDPSocket(receiver.port))?.drops ?? NaN
}

/**
 * Scenario 15a: a UDP sender floods an endpoint that is slower than it. UDP promises no delivery,
 * so datagrams are lost, but only where it is counted: the kernel drops what the receiver's buffer
 * cannot hold and counts it for the socket (`/proc/net/udp`, `drops`), and every datagram the
 * sender handed over is either received or counted there (a failed send would reach the sender's
 * `errorReceived`). The sender's queue must stay bounded by flow control (`pauseWriting` and
 * `resumeWriting` fired, alternating, and honoured), and neither process's memory may grow with
 * the flood.
 */
export async function runUDPFlood(
  targets: Targets,
  params: UDPFloodParams,
): Promise<ScenarioResult> {
  const size = params.size ?? 1200
  const busy = params.busyMicroseconds ?? 50
  const report = new Report(
    '15a',
    'UDP: a sender flooding a slow endpoint',
    `${params.datagrams} datagrams of ${size} B, ${busy} µs per datagram at the receiver`,
  )
  try {
    await withDrivenServer(
      targets.datagramReceiverScript,
      ['--host', targets.host, '--busy-us', String(busy)],
      { collectableGarbage: true },
      async (receiver) =>
        withDrivenServer(
          targets.datagramSenderScript,
          ['--host', targets.host, '--remote-port', String(receiver.port)],
          {},
          async (sender) => {
            await sender.command<DatagramSenderStats>(`send ${WARM_UP} ${size}`, 'sent')
            await settledDrops(receiver, timingMargin(2000).ms)
            const senderBaseline = await sender.stats()
            const receiverBaseline = await receiver.stats()
            const receiverLive = await receiver.collectGarbage()

            const started = performance.now()
            const sent = await sender.command<DatagramSenderStats>(
              `send ${params.datagrams} ${size}`,
              'sent',
              timingMargin(Math.max(60_000, params.datagrams * 0.05)).ms,
            )
            const senderPeak = await sender.stats()
            const closed = await sender.command<DatagramSenderStats>('close', 'closed')
            const floodMs = performance.now() - started
            const drops = await settledDrops(receiver, timingMargin(5000).ms)
            const received = await receiver.command<DatagramReceiverStats>('stats')
            const receiverPeak = await receiver.stats()
            const receiverAfter = await receiver.collectGarbage()

            const handedOver = closed.sent - closed.errorCount
            report.figure('flood time', `${(floodMs / 1000).toFixed(1)} s`)
            report.figure(
              'sent / received / dropped by the kernel',
              `${closed.sent} / ${received.received} / ${drops}`,
            )
            report.check(
              'every datagram sent was received or counted as dropped by the kernel',
              handedOver === received.received + drops && received.errorCount === 0,
              `${closed.sent} sent, ${closed.errorCount} failed (errorReceived), ` +
                `${received.received} received + ${drops} dropped = ${received.received + drops}` +
                ` (the receiver got ${received.errorCount} errors)`,
            )
            report.check(
              'the receiver was outpaced (the kernel dropped datagrams)',
              drops > 0,
              `${drops} dropped of ${closed.sent}`,
            )

            report.figure(
              'sender flow control',
              `${closed.pauses} pauses, ${closed.resumes} resumes, queue at most ${closed.maxQueued} B ` +
                `(high-water mark ${closed.highWater} B)`,
            )
            report.check(
              'pauseWriting and resumeWriting fired on the sender, alternating',
              closed.pauses >= 1 && closed.alternated && closed.resumes >= closed.pauses - 1,
              `${closed.pauses} pauses, ${closed.resumes} resumes, ${closed.alternated ? '' : 'not '}alternating`,
            )
            report.check(
              "the sender's queue stayed within the high-water mark + one datagram",
              sent.maxQueued <= closed.highWater + size + 8,
              `at most ${closed.maxQueued} B queued, high-water mark ${closed.highWater} B`,
            )
            const senderGrowth = senderPeak.peakRss - senderBaseline.peakRss
            report.figure(
              'sender VmHWM: warmed up / after the flood',
              `${mib(senderBaseline.peakRss)} / ${mib(senderPeak.peakRss)}`,
            )
            report.check(
              `sender peak RSS within its warmed-up baseline + ${MAX_PEAK_GROWTH / MIB} MiB`,
              senderGrowth <= MAX_PEAK_GROWTH,
              `grew ${mib(senderGrowth)}`,
            )
            const receiverGrowth = receiverPeak.peakRss - receiverBaseline.peakRss
            report.figure(
              'receiver VmHWM: warmed up / after the flood',
              `${mib(receiverBaseline.peakRss)} / ${mib(receiverPeak.peakRss)}`,
            )
            report.figure(
              'receiver live memory: warmed up / after',
              `${describeLiveMemory(receiverLive)} / ${describeLiveMemory(receiverAfter)}`,
            )
            report.check(
              `receiver peak RSS within its warmed-up baseline + ${MAX_PEAK_GROWTH / MIB} MiB, live memory back within 1 MiB`,
              receiverGrowth <= MAX_PEAK_GROWTH &&
                liveBytes(receiverAfter) <= liveBytes(receiverLive) + MIB,
              `peak grew ${mib(receiverGrowth)}; live memory ${describeLiveMemory(receiverAfter)}, ` +
                `warmed up ${describeLiveMemory(receiverLive)}`,
            )
          },
        ),
    )
  } catch (error) {
    report.fail('scenario ran to the end', error)
  }
  return report.finish()
}
