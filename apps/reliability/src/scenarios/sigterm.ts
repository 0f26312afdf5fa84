import { createHash, randomBytes } from 'node:crypto'
import type { Socket } from 'node:net'
import { Report, type ScenarioResult } from '../checks.ts'
import { Receiver, connectPeer, drained, echoOnce, randomChunks, tryConnect } from '../peer.ts'
import { baselineAfter, pollStats } from '../process-stats.ts'
import { describeExit, type ServerProcess } from '../server-process.ts'
import { readKernelSockets } from '../tcp-queues.ts'
import { startServer, type Targets } from '../targets.ts'
import { timingMargin } from '../timing-margin.ts'
import { until } from '../until.ts'
import { STACK_LINE } from './peer-reset.ts'

/** Sizes of {@link runSigterm}. */
export interface SigtermParams {
  readonly idle?: number
  readonly busy?: number
  readonly nonReaders?: number
  /** Bytes each busy client sends; its echo is under way when the signal comes. */
  readonly busyBytes?: number
  /** The server's `--shutdown-timeout`, in seconds. */
  readonly shutdownSeconds?: number
}

interface Peer {
  readonly socket: Socket
  readonly receiver: Receiver
}

async function open(targets: Targets, server: ServerProcess, count: number): Promise<Peer[]> {
  const peers: Peer[] = []
  for (let index = 0; index < count; index += 1) {
    const socket = await connectPeer(targets.host, server.port)
    peers.push({ socket, receiver: new Receiver(socket) })
  }
  return peers
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`

/**
 * Scenario 5: SIGTERM with idle, busy and non-reading clients. New connects must be refused
 * right after the signal, idle clients closed, the busy clients' echoes flushed in full, the
 * non-readers aborted at the deadline (`--shutdown-timeout`), exit code 0, no stack trace.
 */
export async function runSigterm(targets: Targets, params: SigtermParams): Promise<ScenarioResult> {
  const idleCount = params.idle ?? 50
  const busyCount = params.busy ?? 10
  const nonReaderCount = params.nonReaders ?? 5
  const busyBytes = params.busyBytes ?? 4 * 1024 * 1024
  const deadlineS = params.shutdownSeconds ?? 2
  const report = new Report(
    '5',
    'SIGTERM: graceful shutdown',
    `${idleCount} idle, ${busyCount} busy, ${nonReaderCount} non-reading`,
  )
  const server = await startServer(targets, { args: ['--shutdown-timeout', String(deadlineS)] })
  try {
    const baseline = (
      await baselineAfter(server.pid, async () => {
        const warmUp = await echoOnce(targets.host, server.port, randomChunks(64 * 1024))
        report.check('warm-up echo is byte-exact', warmUp.exact, `${warmUp.received} B back`)
      })
    ).fds

    const idle = await open(targets, server, idleCount)

    // Busy clients send their whole payload and read its echo slowly, so that it is still
    // under way when the signal comes.
    const payload = randomBytes(busyBytes)
    const payloadHash = createHash('sha256').update(payload).digest('hex')
    const busy = await open(targets, server, busyCount)
    let throttled = true
    for (const { socket } of busy) {
      socket.on('data', () => {
        if (throttled) {
          socket.pause()
        }
      })
      socket.write(payload)
    }
    const throttle = setInterval(() => {
      for (const { socket } of busy) {
        socket.resume()
      }
    }, 25)

    // Non-readers never read and keep writing until they are blocked: with writes pending, a
    // reset from the server reaches them even though they do not read.
    const block = randomBytes(1024 * 1024)
    const nonReaders = await open(targets, server, nonReaderCount)
    for (const { socket } of nonReaders) {
      socket.pause()
      void (async () => {
        for (let written = 0; written < 256 && !socket.destroyed; written += 1) {
          if (!socket.write(block) && !(await drained(socket))) {
            return
          }
        }
      })()
    }

    const total = idleCount + busyCount + nonReaderCount
    const accepted = await pollStats(server.pid, (stats) => stats.fds >= baseline + total, 10_000)
    report.check(
      `the server accepted all ${total} clients`,
      accepted.held,
      `${accepted.stats.fds} descriptors, baseline ${baseline}`,
    )
    // The server must have read every byte the busy clients sent (nothing left in its receive
    // queue) while their echo is still on its way back: then the full echo is owed to them.
    const busyPorts = new Set(busy.map(({ socket }) => socket.localPort))
    const ready = await until(
      async () => {
        if (busy.some(({ socket }) => socket.writableLength > 0)) {
          return false
        }
        if (nonReaders.some(({ socket }) => socket.writableLength === 0)) {
          return false
        }
        const sockets = await readKernelSockets()
        const serverSide = sockets.filter(
          (s) => s.localPort === server.port && busyPorts.has(s.remotePort) && s.state === 1,
        )
        return serverSide.length === busyCount && serverSide.every((s) => s.receiveQueue === 0)
      },
      timingMargin(15_000).ms,
      20,
    )
    const pending = busy.map(({ receiver }) => busyBytes - receiver.bytes)
    report.check(
      'before the signal: busy echoes under way, non-readers blocked',
      ready && pending.every((bytes) => bytes > 0),
      `echo still owed at the signal: ${pending.map((bytes) => `${(bytes / 2 ** 20).toFixed(2)} MiB`).join(', ')}`,
    )

    const signalled = performance.now()
    server.signal('SIGTERM')
    throttled = false
    clearInterval(throttle)
    for (const { socket } of busy) {
      socket.resume()
    }

    // An aborted connection whose peer does not read is not reset: the kernel keeps the unsent
    // bytes of the closed socket (FIN-WAIT-1) and the peer notices nothing until it reads. So the
    // moment the server let go of each non-reader is read from the kernel's socket table.
    const nonReaderPorts = new Map(
      nonReaders.map(({ socket }) => [socket.localPort ?? -1, Infinity]),
    )
    const released = until(
      async () => {
        const sockets = await readKernelSockets()
        const now = performance.now() - signalled
        for (const [port, at] of nonReaderPorts) {
          const serverSide = sockets.find(
            (s) => s.localPort === server.port && s.remotePort === port,
          )
          if (at === Infinity && serverSide?.state !== 1) {
            nonReaderPorts.set(port, now)
          }
        }
        return [...nonReaderPorts.values()].every((at) => at !== Infinity)
      },
      deadlineS * 1000 + timingMargin(600).ms + 5000,
      20,
    )

    const firstIdleEnd = await until(
      () => idle.some(({ receiver }) => receiver.end !== 'open'),
      5000,
      5,
    )
    const refusal = firstIdleEnd
      ? await tryConnect(targets.host, server.port, 2000)
      : 'no attempt: no idle client saw its end'
    report.check(
      'a new connect right after the signal is refused',
      refusal === 'ECONNREFUSED',
      `${refusal}, ${seconds(performance.now() - signalled)} after the signal`,
    )

    const exit = await server.waitExit(deadlineS * 1000 + timingMargin(900).ms + 10_000)
    const exitedAfter = performance.now() - signalled
    await released
    for (const { socket } of nonReaders) {
      socket.resume()
    }
    const everyone = [...idle, ...busy, ...nonReaders]
    await Promise.race([
      Promise.all(everyone.map(({ receiver }) => receiver.closed)),
      new Promise((resolve) => setTimeout(resolve, 5000)),
    ])
    const closedAfter = (peer: Peer): number =>
      peer.receiver.closedAt == null ? Infinity : peer.receiver.closedAt - signalled

    const idleLate = Math.max(...idle.map(closedAfter))
    const idleEnds = new Set(idle.map(({ receiver }) => receiver.end))
    const atOnce = timingMargin(1000)
    report.check(
      'idle clients closed at once (EOF)',
      idleLate <= atOnce.ms && [...idleEnds].every((end) => end === 'eof'),
      `last closed ${seconds(idleLate)} after the signal (bound ${atOnce.description}); ` +
        `ends: ${[...idleEnds].join(', ')}`,
    )
    report.figure('idle clients closed within', seconds(idleLate))

    const busyExact = busy.filter(
      ({ receiver }) =>
        receiver.end === 'eof' && receiver.bytes === busyBytes && receiver.digest() === payloadHash,
    )
    report.check(
      'busy clients got their full echo, byte-exact, then EOF',
      busyExact.length === busyCount,
      busy.map(({ receiver }) => `${receiver.bytes} B/${receiver.end}`).join(', '),
    )
    report.figure('busy echoes flushed within', seconds(Math.max(...busy.map(closedAfter))))

    // A non-reader whose pending echo fits in the kernel's buffers is closed gracefully at once
    // (FIN queued behind the data); one the server still holds data for is aborted at the
    // deadline. Either way none may outlive the deadline.
    const abortTimes = [...nonReaderPorts.values()]
    const deadlineMs = deadlineS * 1000
    const releaseMargin = timingMargin(600)
    const atDeadline = abortTimes.filter((ms) => ms >= deadlineMs * 0.8).length
    report.check(
      `non-readers released no later than the ${deadlineS} s deadline`,
      abortTimes.every((ms) => ms <= deadlineMs + releaseMargin.ms),
      `the server let go of them ${abortTimes.map(seconds).join(', ')} after the signal ` +
        `(bound: the deadline + ${releaseMargin.description})`,
    )
    report.figure(
      'non-readers released',
      `${atDeadline} at the deadline, ${abortTimes.length - atDeadline} earlier (flushed into the kernel)`,
    )
    const nonReaderEnds = nonReaders.map(closedAfter)
    report.check(
      'non-readers see their connection end once they read (no hang)',
      nonReaderEnds.every((ms) => ms < Infinity),
      `ends: ${nonReaders.map(({ receiver }) => receiver.end).join(', ')}`,
    )
    const exitMargin = timingMargin(900)
    report.check(
      'the server exited with code 0, by the deadline',
      exit?.code === 0 && exitedAfter <= deadlineMs + exitMargin.ms,
      exit == null
        ? 'still running'
        : `${describeExit(exit)} after ${seconds(exitedAfter)} (bound: the deadline + ${exitMargin.description})`,
    )
    report.figure('exit after the signal', seconds(exitedAfter))
    const stack = server.lines.filter((line) => STACK_LINE.test(line))
    report.check(
      'no stack trace in its output',
      stack.length === 0,
      stack.slice(0, 3).join(' | ') || 'none',
    )
    for (const { socket } of everyone) {
      socket.destroy()
    }
  } catch (error) {
    report.fail('scenario ran to the end', error)
  } finally {
    await server.stop()
  }
  return report.finish()
}
