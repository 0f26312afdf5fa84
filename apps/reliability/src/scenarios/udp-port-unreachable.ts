import { createSocket } from 'node:dgram'
import { once } from 'node:events'
import { Report, type ScenarioResult } from '../checks.ts'
import { describeExit } from '../server-process.ts'
import type { DatagramSenderStats } from '../servers/replies.ts'
import { withDrivenServer, type Targets } from '../targets.ts'
import { timingMargin } from '../timing-margin.ts'
import { until } from '../until.ts'

/** Sizes of {@link runUDPPortUnreachable}. */
export interface UDPPortUnreachableParams {
  /** Datagrams sent while nobody listens (one every 20 ms), then again once someone does. */
  readonly datagrams: number
}

/** A UDP port free now on `host`: bound, then released (nobody listens there afterwards). */
async function freePort(host: string): Promise<number> {
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4')
  socket.bind(0, host)
  await once(socket, 'listening')
  const { port } = socket.address()
  socket.close()
  await once(socket, 'close')
  return port
}

/**
 * Scenario 15b: a connected UDP endpoint sends to a port where nobody listens. Each datagram
 * brings back an ICMP port unreachable, which Linux reports on the connected socket's next
 * operation: it must reach the protocol's `errorReceived` as `ECONNREFUSED` (Node's `dgram` emits
 * an `'error'` that kills a process without a listener), the process must live, and the endpoint
 * must stay open and usable: once an echo listens on that port, every datagram comes back.
 */
export async function runUDPPortUnreachable(
  targets: Targets,
  params: UDPPortUnreachableParams,
): Promise<ScenarioResult> {
  const report = new Report(
    '15b',
    'UDP: ICMP port unreachable on a connected endpoint',
    `${params.datagrams} datagrams to a closed port, then ${params.datagrams} to an echo`,
  )
  try {
    const port = await freePort(targets.host)
    await withDrivenServer(
      targets.datagramSenderScript,
      ['--host', targets.host, '--remote-port', String(port)],
      {},
      async (sender) => {
        const margin = timingMargin(2000)
        // One every 20 ms, as a client polling a service that is down: each ICMP error comes
        // back before the next send and is reported by the socket's next read.
        let stats = await sender
          .command<DatagramSenderStats>(
            `send ${params.datagrams} 100 20`,
            'sent',
            margin.ms + 20 * params.datagrams,
          )
          .catch(() => undefined)
        await until(async () => {
          stats = await sender.command<DatagramSenderStats>('stats')
          return stats.errorCount > 0
        }, margin.ms).catch(() => false)
        report.check(
          "the endpoint's process lives through the ICMP errors",
          sender.alive && stats != null,
          sender.alive
            ? 'running'
            : `exited (${describeExit({ code: sender.child.exitCode, signal: sender.child.signalCode })}): ` +
                sender.lines.slice(-4).join(' | '),
        )
        if (stats == null || !sender.alive) {
          return
        }
        const codes = [...new Set(stats.errors)]
        report.figure('errors received', `${stats.errorCount} (${codes.join(', ')})`)
        report.check(
          'the ICMP errors reached errorReceived as ECONNREFUSED',
          stats.errorCount > 0 && codes.every((code) => code === 'ECONNREFUSED'),
          `${stats.errorCount} errors for ${params.datagrams} datagrams: ${codes.join(', ') || 'none'}`,
        )
        report.check('the endpoint stayed open', !stats.closing, stats.closing ? 'closing' : 'open')

        await withDrivenServer(
          targets.datagramReceiverScript,
          ['--host', targets.host, '--port', String(port), '--echo'],
          {},
          async () => {
            const before = (await sender.command<DatagramSenderStats>('stats')).received
            await sender.command<DatagramSenderStats>(`send ${params.datagrams} 100`, 'sent')
            let echoed = 0
            await until(async () => {
              echoed = (await sender.command<DatagramSenderStats>('stats')).received - before
              return echoed >= params.datagrams
            }, margin.ms)
            report.check(
              'the endpoint is still usable: every datagram echoed once an echo listens',
              echoed === params.datagrams,
              `${echoed} of ${params.datagrams} echoed`,
            )
          },
        )
        const closed = await sender.command<DatagramSenderStats>('close', 'closed')
        report.check(
          'close() still ends it (connectionLost)',
          closed.closing,
          `closed after ${closed.sent} datagrams, ${closed.errorCount} errors`,
        )
      },
    )
  } catch (error) {
    report.fail('scenario ran to the end', error)
  }
  return report.finish()
}
