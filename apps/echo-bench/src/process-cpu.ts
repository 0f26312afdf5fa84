import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

/** CPU time a process has used, in clock ticks (`utime` and `stime` of `/proc/PID/stat`). */
export interface CpuTicks {
  readonly user: number
  readonly system: number
}

/** A server's own CPU time over a measured window, and per request of that window. */
export interface ServerCpu {
  readonly userSeconds: number
  readonly systemSeconds: number
  /** User CPU per request, in microseconds. */
  readonly userMicrosPerRequest: number
  /** System CPU per request, in microseconds. */
  readonly systemMicrosPerRequest: number
}

/** What the bench reads of a `/proc/PID/stat` line. */
interface ProcStat extends CpuTicks {
  readonly parent: number
}

function parseStatFields(text: string): ProcStat {
  const fields = text
    .slice(text.lastIndexOf(')') + 1)
    .trim()
    .split(' ')
  // fields[0] is field 3 (the state), so field N is fields[N - 3].
  const parent = Number(fields[1])
  const user = Number(fields[11])
  const system = Number(fields[12])
  if (
    !text.includes(')') ||
    !Number.isInteger(parent) ||
    !Number.isInteger(user) ||
    !Number.isInteger(system)
  ) {
    throw new Error(`not a /proc/PID/stat line: ${JSON.stringify(text.slice(0, 80))}`)
  }
  return { parent, user, system }
}

/**
 * Reads `utime` and `stime` (fields 14 and 15) from the text of `/proc/PID/stat`. The command
 * name (field 2) is in parentheses and may hold spaces and parentheses itself, so the fields
 * are counted from the last `)`.
 * @throws Error when the text is not a stat line.
 */
export function parseProcStat(text: string): CpuTicks {
  const { user, system } = parseStatFields(text)
  return { user, system }
}

/** The CPU ticks a running process has used so far (all its threads). */
export function readCpuTicks(pid: number): CpuTicks {
  return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))
}

/**
 * A process and every live descendant of it, each with its CPU ticks so far, found by the parent
 * field of every `/proc/PID/stat` (kernels without `/proc/PID/task/TID/children` are common).
 * Empty when `pid` is not running.
 */
export function processTree(pid: number): Map<number, CpuTicks> {
  const children = new Map<number, number[]>()
  const ticks = new Map<number, CpuTicks>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) {
      continue
    }
    let stat: ProcStat
    try {
      stat = parseStatFields(readFileSync(`/proc/${name}/stat`, 'utf8'))
    } catch {
      continue // gone between the listing and the read
    }
    const id = Number(name)
    ticks.set(id, stat)
    children.set(stat.parent, [...(children.get(stat.parent) ?? []), id])
  }
  const tree = new Map<number, CpuTicks>()
  const queue = ticks.has(pid) ? [pid] : []
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    tree.set(id, ticks.get(id) ?? { user: 0, system: 0 })
    queue.push(...(children.get(id) ?? []))
  }
  return tree
}

/**
 * The CPU ticks a process and every live descendant of it have used so far: a server of several
 * processes (`--workers`) is measured whole.
 * @throws Error when `pid` is not a running process.
 */
export function readTreeCpuTicks(pid: number): CpuTicks {
  const tree = processTree(pid)
  if (tree.size === 0) {
    return readCpuTicks(pid) // throws the error of a process that is not there
  }
  let user = 0
  let system = 0
  for (const ticks of tree.values()) {
    user += ticks.user
    system += ticks.system
  }
  return { user, system }
}

let ticksPerSecond: number | undefined

/** The kernel's clock ticks per second (`getconf CLK_TCK`, almost always 100), read once. */
export function clockTicksPerSecond(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim())
  if (!(ticksPerSecond > 0)) {
    throw new Error('getconf CLK_TCK did not give a number of ticks per second')
  }
  return ticksPerSecond
}

/** The CPU used between two samples, in seconds and in microseconds per request. */
export function serverCpu(
  start: CpuTicks,
  end: CpuTicks,
  requests: number,
  ticksPerSecond: number,
): ServerCpu {
  const userSeconds = (end.user - start.user) / ticksPerSecond
  const systemSeconds = (end.system - start.system) / ticksPerSecond
  return {
    userSeconds,
    systemSeconds,
    userMicrosPerRequest: (userSeconds * 1e6) / requests,
    systemMicrosPerRequest: (systemSeconds * 1e6) / requests,
  }
}
