import { readdirSync, readFileSync } from 'node:fs'
import type { StartedProcess } from '@wirekit/app-support/testing'

/** The parent of each running process, from `/proc` (Linux). */
function parents(): Map<number, number> {
  const parentOf = new Map<number, number>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue
    }
    try {
      // The command may hold spaces and parentheses: the fields after the last ')' are fixed.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      parentOf.set(Number(entry), ppid)
    } catch {
      // The process ended while being read.
    }
  }
  return parentOf
}

/** Every process started, directly or not, by `pid`. */
function descendants(pid: number): number[] {
  const parentOf = parents()
  const found: number[] = []
  let generation = [pid]
  while (generation.length > 0) {
    const next = [...parentOf]
      .filter(([, ppid]) => generation.includes(ppid))
      .map(([child]) => child)
    found.push(...next)
    generation = next
  }
  return found
}

/**
 * Stops a command started in its own process group the way Ctrl-C does (SIGINT to the group:
 * turbo passes it on to the tasks it runs, each in a group of its own), and if it has not ended
 * within `graceMs`, kills it and every process it started, wherever their group. A process of the
 * tree that outlives the command (a turbo whose parent ended first) is killed too: it would keep
 * running after the test, with nobody to stop it.
 */
export async function stopTree(started: StartedProcess, graceMs = 15_000): Promise<void> {
  const pid = started.child.pid
  const tree = pid === undefined ? [] : descendants(pid)
  started.kill('SIGINT')
  let timer: NodeJS.Timeout | undefined
  const ended = await Promise.race([
    started.finished.then(() => true),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
  ])
  clearTimeout(timer)
  const left = pid === undefined ? tree : [...new Set([...tree, ...descendants(pid)])]
  for (const child of left) {
    try {
      process.kill(child, 'SIGKILL')
    } catch {
      // Already gone.
    }
  }
  if (!ended) {
    started.kill('SIGKILL')
    await started.finished
  }
}
