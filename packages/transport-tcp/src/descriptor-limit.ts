/**
 * The process's open descriptors against its limit, read from Linux's `/proc`: Node has no
 * `getrlimit()`, and libuv meets `EMFILE` silently (it accepts and closes the connections it
 * cannot keep, with a descriptor it holds in reserve), so a server that wants to back off and
 * say so has to watch the count itself.
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

/** The descriptor limit of this process and a way to count the descriptors open now. */
export interface DescriptorLimit {
  /** The soft limit (`ulimit -n`). */
  readonly limit: number
  /** Descriptors open now (costs one directory read of `/proc/self/fd`). */
  count(): number
}

/** The process's descriptor limit, or `undefined` where it cannot be watched. */
export function descriptorLimit(): DescriptorLimit | undefined {
  const limit = softLimit()
  if (limit === undefined) {
    return undefined
  }
  return {
    limit,
    // The directory read holds a descriptor of its own while it lists them.
    count: () => readdirSync('/proc/self/fd').length - 1,
  }
}
