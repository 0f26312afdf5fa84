import { lstat, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Report, type ScenarioResult } from '../checks.ts'
import { STACK_LINE } from './peer-reset.ts'
import { describeExit } from '../server-process.ts'
import type { Targets } from '../targets.ts'
import { tryUnixConnect, unixEcho } from '../unix-peer.ts'
import { launchUnixServer, type UnixServerProcess } from '../unix-server-process.ts'

/** Sizes of {@link runUnixStaleSocket}. */
export interface UnixStaleSocketParams {
  /** How many times a server is killed with SIGKILL and another started on its path. */
  readonly cycles: number
  /** Bytes echoed through each server. */
  readonly echoBytes?: number
}

async function isSocket(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isSocket()
  } catch {
    return false
  }
}

/**
 * Scenario 13a: a server killed with SIGKILL leaves its socket file behind (Node does not remove
 * it, nodejs/node#724). Each next server on the path must start (the stale file probed and
 * replaced), echo byte-exact, and log no error; SIGTERM on the last must exit 0 and remove the
 * file, leaving nothing else in the directory.
 */
export async function runUnixStaleSocket(
  targets: Targets,
  params: UnixStaleSocketParams,
): Promise<ScenarioResult> {
  const echoBytes = params.echoBytes ?? 1024 * 1024
  const report = new Report(
    '13a',
    'Unix socket: restart on a killed server’s stale socket',
    `${params.cycles} kills`,
  )
  const directory = await mkdtemp(join(tmpdir(), 'wirekit-reliability-unix-'))
  const path = join(directory, 'echo.sock')
  let server: UnixServerProcess | undefined
  try {
    const starts: string[] = []
    const staleSeen: string[] = []
    const echoes: string[] = []
    for (let cycle = 0; cycle <= params.cycles; cycle += 1) {
      const launch = await launchUnixServer(targets, path)
      if (!launch.listening) {
        starts.push(`start ${cycle + 1}: ${describeExit(launch.exit)}: ${launch.lines.join(' | ')}`)
        break
      }
      server = launch.server
      starts.push('listening')
      const echo = await unixEcho(path, echoBytes)
      echoes.push(
        echo.exact
          ? 'exact'
          : `${echo.received}/${echo.sent} B${echo.error === undefined ? '' : `, ${echo.error}`}`,
      )
      if (cycle === params.cycles) {
        break
      }
      server.child.kill('SIGKILL')
      await server.exited
      server = undefined
      const connect = await tryUnixConnect(path)
      staleSeen.push((await isSocket(path)) ? connect : 'no file')
    }
    report.check(
      `${params.cycles + 1} servers in turn started on the path`,
      starts.length === params.cycles + 1 && starts.every((start) => start === 'listening'),
      starts.filter((start) => start !== 'listening').join('; ') || 'every start listened',
    )
    report.check(
      'each SIGKILL left a stale socket file (connect refused)',
      staleSeen.length === params.cycles && staleSeen.every((seen) => seen === 'ECONNREFUSED'),
      [...new Set(staleSeen)].join(', '),
    )
    report.check(
      `every server echoed ${echoBytes} B byte-exact`,
      echoes.length === params.cycles + 1 && echoes.every((echo) => echo === 'exact'),
      [...new Set(echoes)].join(', '),
    )
    if (server !== undefined) {
      const errors = server.lines.filter(
        (line) => /error|warn/i.test(line) || STACK_LINE.test(line),
      )
      report.check(
        'the last server logged no error and no warning',
        errors.length === 0,
        errors.slice(0, 3).join(' | ') || 'none',
      )
      const exit = await server.stop()
      server = undefined
      report.check('SIGTERM: exit code 0', exit.code === 0, describeExit(exit))
      const left = await readdir(directory)
      report.check(
        'the socket file is removed, nothing else is left in the directory',
        left.length === 0,
        left.length === 0 ? 'empty' : left.join(', '),
      )
    }
    report.figure('servers killed', params.cycles)
  } catch (error) {
    report.fail('the scenario ran to its end', error)
  } finally {
    await server?.stop()
    await rm(directory, { recursive: true, force: true })
  }
  return report.finish()
}
