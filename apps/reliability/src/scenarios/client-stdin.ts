import { createHash, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { Report, type ScenarioResult } from '../checks.ts'
import { mib, readProcessStats } from '../process-stats.ts'
import { describeExit, spawnNode, type ProcessExit } from '../server-process.ts'
import { withServer, type Targets } from '../targets.ts'

/** Sizes of {@link runClientStdin}. */
export interface ClientStdinParams {
  /** Bytes piped through the client. */
  readonly bytes: number
  /**
   * How far the client's peak RSS may rise above that of the reference run, a quarter of `bytes`
   * through the same client.
   */
  readonly headroomBytes?: number
  readonly timeoutMs?: number
}

/** What one run of the client gave. */
interface ClientRun {
  readonly inputHash: string
  readonly outputHash: string
  readonly outputBytes: number
  /** The highest VmHWM read while it ran (sampled every 20 ms, so a last spike may be missed). */
  readonly peakRss: number
  readonly exit: ProcessExit | undefined
  readonly stderrTail: string
  readonly ms: number
}

/** Pipes `bytes` random bytes through `echo-client --stdin` and hashes its standard output. */
async function pipeThrough(
  targets: Targets,
  port: number,
  bytes: number,
  timeoutMs: number,
): Promise<ClientRun> {
  const started = performance.now()
  const child = spawnNode(targets.clientScript, [
    '--host',
    targets.host,
    '--port',
    String(port),
    '--stdin',
  ])
  const pid = child.pid ?? -1
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }))
  const { stdin, stdout, stderr } = child
  if (stdin == null || stdout == null || stderr == null) {
    throw new Error('the client process has no pipes')
  }
  const output = createHash('sha256')
  let outputBytes = 0
  stdout.on('data', (chunk: Buffer) => {
    output.update(chunk)
    outputBytes += chunk.length
  })
  let stderrTail = ''
  stderr.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-2000)
  })
  let peakRss = 0
  const sampling = { on: true }
  const sampler = (async () => {
    while (sampling.on) {
      try {
        peakRss = Math.max(peakRss, (await readProcessStats(pid)).peakRss)
      } catch {
        return // gone
      }
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  })()
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  stdin.on('error', () => undefined) // EPIPE when the client dies early: its exit tells.
  const input = createHash('sha256')
  const chunk = 64 * 1024
  for (let sent = 0; sent < bytes && child.exitCode == null; sent += chunk) {
    const block = randomBytes(Math.min(chunk, bytes - sent))
    input.update(block)
    if (!stdin.write(block)) {
      await Promise.race([new Promise((resolve) => stdin.once('drain', resolve)), exited])
    }
  }
  stdin.end()
  const exit = await exited
  clearTimeout(timer)
  sampling.on = false
  await sampler
  return {
    inputHash: input.digest('hex'),
    outputHash: output.digest('hex'),
    outputBytes,
    peakRss,
    exit,
    stderrTail,
    ms: performance.now() - started,
  }
}

/**
 * Scenario 11: `bytes` piped through `echo-client --stdin` against the echo server. Its output
 * must hash like its input, and its memory must not grow with the input: its peak RSS must stay
 * within that of a reference run with a quarter of the bytes plus the headroom. The reference
 * streams long enough for V8 to size its heap for the load (its young generation alone takes
 * 40 to 60 MiB more on Node 22 to 26 than on Node 20), so what is left is what the client holds;
 * a client that buffered its input would grow by three quarters of `bytes`.
 */
export async function runClientStdin(
  targets: Targets,
  params: ClientStdinParams,
): Promise<ScenarioResult> {
  const headroom = params.headroomBytes ?? 64 * 1024 * 1024
  const timeoutMs = params.timeoutMs ?? 300_000
  const referenceBytes = Math.floor(params.bytes / 4)
  const report = new Report('11', 'echo-client --stdin in bounded memory', mib(params.bytes))
  try {
    await withServer(targets, {}, async (server) => {
      const reference = await pipeThrough(targets, server.port, referenceBytes, timeoutMs)
      report.check(
        `the reference run (${mib(referenceBytes)}) is byte-exact`,
        reference.inputHash === reference.outputHash && reference.exit?.code === 0,
        `${reference.outputBytes} B out, ${reference.exit == null ? 'no exit' : describeExit(reference.exit)}; ${reference.stderrTail.trim().split('\n').at(-1) ?? ''}`,
      )
      report.figure(`client VmHWM, ${mib(referenceBytes)} run`, mib(reference.peakRss))
      const big = await pipeThrough(targets, server.port, params.bytes, timeoutMs)
      report.figure(`client VmHWM, ${mib(params.bytes)} run`, mib(big.peakRss))
      report.figure('time', `${(big.ms / 1000).toFixed(1)} s`)
      report.check(
        'output SHA-256 equals input SHA-256',
        big.inputHash === big.outputHash && big.outputBytes === params.bytes,
        `${big.outputBytes} of ${params.bytes} B out; SHA-256 ${big.inputHash === big.outputHash ? 'equal' : 'differ'}`,
      )
      report.check(
        'the client exited with code 0',
        big.exit?.code === 0,
        `${big.exit == null ? 'no exit' : describeExit(big.exit)}; ${big.stderrTail.trim().split('\n').slice(-2).join(' | ')}`,
      )
      report.check(
        'client peak RSS within the reference run + headroom',
        big.peakRss > 0 && big.peakRss <= reference.peakRss + headroom,
        `VmHWM ${mib(big.peakRss)} vs ${mib(reference.peakRss)} + ${mib(headroom)}`,
      )
    })
  } catch (error) {
    report.fail('scenario ran to the end', error)
  }
  return report.finish()
}
