import { mib } from './process-stats.ts'
import type { HeapAfterCollection } from './server-process.ts'

/**
 * A server's live memory: what its live objects hold on the V8 heap and outside it (buffers),
 * right after a full garbage collection. A leak makes it grow with the work done; unlike RSS, it
 * does not follow how large V8 lets its heap grow, which differs between Node versions and with
 * the machine's load.
 */
export function liveBytes(heap: HeapAfterCollection): number {
  return heap.heapUsed + heap.external
}

/** `heap 4.7 MiB + external 2.5 MiB`, for reports. */
export function describeLiveMemory(heap: HeapAfterCollection): string {
  return `heap ${mib(heap.heapUsed)} + external ${mib(heap.external)}`
}
