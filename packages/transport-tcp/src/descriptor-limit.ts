/**
 * The process's open descriptors against its limit, and the system's free file-table entries,
 * read from Linux's `/proc`: Node has no `getrlimit()`, and libuv meets `EMFILE` and `ENFILE`
 * silently (it accepts and closes the connections it cannot keep, with a descriptor it holds in
 * reserve), so a server that wants to back off and say so has to watch the counts itself.
 */
import { readdirSync, readFileSync } from 'node:fs'

/** Reads the soft `Max open files` limit; `undefined` without `/proc` or when unlimited. */
function softLimit(): number | undefined {
  let limits: string
  try {
    limits = readFileSync('/proc/self/limits', 'utf8')
  } catch {
    return undefined
  }
  const soft = /^Max open files\s+(\d+)\s/m.exec(limits)?.[1]
  return soft === undefined ? undefined : Number(soft)
}

/** The counts {@link DescriptorLimit.count} reads. */
export interface DescriptorCount {
  /** Descriptors this process has open. */
  readonly open: number
  /** Entries the system's file table can still hand out (`ENFILE` at 0); `Infinity` if unknown. */
  readonly systemFree: number
}

/** The descriptor limit of this process and a way to count the descriptors open now. */
export interface DescriptorLimit {
  /** The soft limit (`ulimit -n`). */
  readonly limit: number
  /** Counts now (one directory read of `/proc/self/fd`, one read of `/proc/sys/fs/file-nr`). */
  count(): DescriptorCount
}

/** `max - allocated` from `/proc/sys/fs/file-nr` (allocated, unused, max). */
function systemFree(): number {
  try {
    const [allocated, , max] = readFileSync('/proc/sys/fs/file-nr', 'utf8').trim().split(/\s+/)
    const free = Number(max) - Number(allocated)
    return Number.isFinite(free) ? free : Infinity
  } catch {
    return Infinity
  }
}

/** The process's descriptor limit, or `undefined` where it cannot be watched. */
export function descriptorLimit(): DescriptorLimit | undefined {
  const limit = softLimit()
  if (limit === undefined) {
    return undefined
  }
  return {
    limit,
    count: () => ({
      // The directory read holds a descriptor of its own while it lists them.
      open: readdirSync('/proc/self/fd').length - 1,
      systemFree: systemFree(),
    }),
  }
}
