import { readdir, readFile, readlink } from 'node:fs/promises'

/** What `/proc` says about a process's memory and descriptors. */
export interface ProcessStats {
  /** Resident memory now (`VmRSS`), in bytes. */
  readonly rss: number
  /** The highest resident memory since the process started (`VmHWM`), in bytes. */
  readonly peakRss: number
  /** Open file descriptors (entries of `/proc/<pid>/fd`). */
  readonly fds: number
}

const MIB = 1024 * 1024

/** Formats bytes as MiB with one decimal, for reports. */
export function mib(bytes: number): string {
  return `${(bytes / MIB).toFixed(1)} MiB`
}

function kibField(status: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status)
  if (match?.[1] == null) {
    throw new Error(`no ${name} line in /proc status`)
  }
  return Number(match[1]) * 1024
}

/**
 * Reads a live process's memory (`/proc/<pid>/status`) and descriptor count (`/proc/<pid>/fd`).
 * @example
 * ```ts
 * const { peakRss, fds } = await readProcessStats(server.pid)
 * ```
 */
export async function readProcessStats(pid: number): Promise<ProcessStats> {
  const [status, fds] = await Promise.all([
    readFile(`/proc/${pid}/status`, 'utf8'),
    readdir(`/proc/${pid}/fd`),
  ])
  return { rss: kibField(status, 'VmRSS'), peakRss: kibField(status, 'VmHWM'), fds: fds.length }
}

/**
 * Polls a condition on a process's stats until it holds or `timeoutMs` passes: descriptors are
 * freed inside the kernel and no event tells an outside observer, so polling is the only way.
 * @returns The last stats read and whether the condition held.
 */
export async function pollStats(
  pid: number,
  condition: (stats: ProcessStats) => boolean,
  timeoutMs: number,
  intervalMs = 50,
): Promise<{ stats: ProcessStats; held: boolean }> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const stats = await readProcessStats(pid)
    if (condition(stats)) {
      return { stats, held: true }
    }
    if (performance.now() >= deadline) {
      return { stats, held: false }
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

/**
 * What each open descriptor of a live process is (`/proc/<pid>/fd/N` read as a link):
 * `socket:[123]`, `pipe:[45]`, `anon_inode:[eventfd]`, a file's path. A descriptor closed while
 * it is being read is left out.
 */
export async function readDescriptors(pid: number): Promise<Map<number, string>> {
  const names = await readdir(`/proc/${pid}/fd`)
  const targets = await Promise.all(
    names.map(async (name) => {
      try {
        return [Number(name), await readlink(`/proc/${pid}/fd/${name}`)] as const
      } catch {
        return undefined
      }
    }),
  )
  return new Map(targets.filter((entry) => entry !== undefined))
}

/**
 * How two readings of {@link readDescriptors} differ, for a report: `opened 21 anon_inode:[eventfd];
 * closed 19 socket:[812]`, or `the same descriptors`.
 */
export function describeDescriptorChange(
  before: ReadonlyMap<number, string>,
  after: ReadonlyMap<number, string>,
): string {
  const list = (from: ReadonlyMap<number, string>, other: ReadonlyMap<number, string>): string[] =>
    [...from].filter(([fd, target]) => other.get(fd) !== target).map(([fd, t]) => `${fd} ${t}`)
  const opened = list(after, before)
  const closed = list(before, after)
  const parts = [
    ...(opened.length === 0 ? [] : [`opened ${opened.join(', ')}`]),
    ...(closed.length === 0 ? [] : [`closed ${closed.join(', ')}`]),
  ]
  return parts.length === 0 ? 'the same descriptors' : parts.join('; ')
}

/** This process's soft limit on open descriptors (`ulimit -n`), from `/proc/self/limits`. */
export async function ownDescriptorLimit(): Promise<number> {
  const limits = await readFile('/proc/self/limits', 'utf8')
  const match = /^Max open files\s+(\d+|unlimited)/m.exec(limits)
  return match?.[1] == null || match[1] === 'unlimited' ? Infinity : Number(match[1])
}

/**
 * Runs `warmUp` and returns the process's stats once its descriptors are back to what they were
 * before it (a server frees a connection's descriptor a moment after the peer saw it close), or
 * after `timeoutMs` if they never are (a server may open descriptors lazily on first use).
 */
export async function baselineAfter(
  pid: number,
  warmUp: () => Promise<void>,
  timeoutMs = 2000,
): Promise<ProcessStats> {
  const before = await readProcessStats(pid)
  await warmUp()
  return (await pollStats(pid, (stats) => stats.fds <= before.fds, timeoutMs)).stats
}

/** CPU seconds (user + system) a process has used so far, from `/proc/<pid>/stat`. */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticksPerSecond = 100
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond
}
