import { lstat, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Report, type ScenarioResult } from '../checks.ts'
import { pollStats, readProcessStats } from '../process-stats.ts'
import { describeExit } from '../server-process.ts'
import type { Targets } from '../targets.ts'
import { unixEcho, type UnixEcho } from '../unix-peer.ts'
import { launchUnixServer, type UnixServerProcess } from '../unix-server-process.ts'
import { STACK_LINE } from './peer-reset.ts'

/** Sizes of {@link runUnixLivePath}. */
export interface UnixLivePathParams {
  /** How many second servers try the first one's path. */
  readonly attempts: number
  /** Clients echoing through the first server the whole time. */
  readonly clients?: number
  /** Bytes of each of their echoes. */
  readonly echoBytes?: number
}

/** The socket file's identity: device and inode. */
async function identity(path: string): Promise<string> {
  try {
    const stats = await lstat(path, { bigint: true })
    return stats.isSocket() ? `${stats.dev}:${stats.ino}` : 'not a socket'
  } catch {
    return 'gone'
  }
}

/**
 * Scenario 13b: second servers started on the path of a live one. Each must be refused (exit 1,
 * one `EADDRINUSE` line, no stack trace) without taking the path: the first server's socket file
 * stays the same file, and clients echoing through it the whole time get every byte back. The
 * probes the second servers make cost the first nothing that lasts (its descriptors come back to
 * their count).
 */
export async function runUnixLivePath(
  targets: Targets,
  params: UnixLivePathParams,
): Promise<ScenarioResult> {
  const clients = params.clients ?? 10
  const echoBytes = params.echoBytes ?? 256 * 1024
  const report = new Report(
    '13b',
    'Unix socket: a second server on a live path',
    `${params.attempts} attempts, ${clients} clients`,
  )
  const directory = await mkdtemp(join(tmpdir(), 'wirekit-reliability-unix-'))
  const path = join(directory, 'echo.sock')
  let first: UnixServerProcess | undefined
  try {
    const launch = await launchUnixServer(targets, path)
    if (!launch.listening) {
      throw new Error(`the first server did not start: ${launch.lines.join(' | ')}`)
    }
    first = launch.server
    const warmUp = await unixEcho(path, echoBytes)
    report.check('warm-up echo is byte-exact', warmUp.exact, `${warmUp.received} B back`)
    const baseline = (await readProcessStats(first.pid)).fds
    const owner = await identity(path)

    // Clients echo through the first server until every attempt is over.
    let attempting = true
    const echoes: UnixEcho[] = []
    const load = Array.from({ length: clients }, async () => {
      while (attempting) {
        echoes.push(await unixEcho(path, echoBytes))
      }
    })
    const refusals: string[] = []
    for (let attempt = 0; attempt < params.attempts; attempt += 1) {
      const second = await launchUnixServer(targets, path)
      if (second.listening) {
        refusals.push('listening')
        await second.server.stop()
        continue
      }
      const stack = second.lines.some((line) => STACK_LINE.test(line))
      const errorLines = second.lines.filter((line) => line.startsWith('error: '))
      const refused =
        second.exit.code === 1 &&
        !stack &&
        errorLines.length === 1 &&
        errorLines[0]?.endsWith('(EADDRINUSE)') === true
      refusals.push(
        refused ? 'refused' : `${describeExit(second.exit)}: ${second.lines.join(' | ')}`,
      )
    }
    attempting = false
    await Promise.all(load)

    report.check(
      `all ${params.attempts} second servers refused: exit 1, one EADDRINUSE line, no stack trace`,
      refusals.every((refusal) => refusal === 'refused'),
      [...new Set(refusals)].join('; '),
    )
    report.check(
      'the first server kept its socket file (same inode)',
      (await identity(path)) === owner,
      `${owner} before, ${await identity(path)} after`,
    )
    const inexact = echoes.filter((echo) => !echo.exact)
    report.check(
      `every echo through the first server during the attempts was byte-exact`,
      echoes.length >= clients && inexact.length === 0,
      `${echoes.length} echoes, ${inexact.length} not exact${inexact[0]?.error === undefined ? '' : ` (${inexact[0].error})`}`,
    )
    const after = await unixEcho(path, echoBytes)
    report.check(
      'the first server still serves afterwards',
      after.exact,
      `${after.received} B back`,
    )
    const settled = await pollStats(first.pid, (stats) => stats.fds <= baseline, 10_000)
    report.check(
      'its descriptors came back to their count (the probes leaked nothing)',
      settled.held,
      `${settled.stats.fds} descriptors, ${baseline} before`,
    )
    report.figure('echoes during the attempts', echoes.length)
    const exit = await first.stop()
    first = undefined
    report.check('SIGTERM: exit code 0', exit.code === 0, describeExit(exit))
    const left = await readdir(directory)
    report.check('nothing is left in the directory', left.length === 0, left.join(', ') || 'empty')
  } catch (error) {
    report.fail('the scenario ran to its end', error)
  } finally {
    await first?.stop()
    await rm(directory, { recursive: true, force: true })
  }
  return report.finish()
}
