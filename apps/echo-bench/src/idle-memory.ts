import { readFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'

/** The resident memory of a process, in KiB, from /proc/<pid>/status. */
export function rssKiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return Number(match?.[1] ?? Number.NaN)
}

const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Opens `count` idle connections to the server (in batches, bounded) and measures how much its
 * resident memory grew, per connection.
 */
export async function idleConnectionCost(
  pid: number,
  port: number,
  count: number,
): Promise<{ beforeKiB: number; afterKiB: number; bytesPerConnection: number }> {
  await settle(500)
  const beforeKiB = rssKiB(pid)
  const sockets: Socket[] = []
  const batch = 250
  try {
    for (let opened = 0; opened < count; opened += batch) {
      const size = Math.min(batch, count - opened)
      await Promise.all(
        Array.from(
          { length: size },
          () =>
            new Promise<void>((resolve, reject) => {
              const socket = connect({ host: '127.0.0.1', port }, resolve)
              socket.once('error', reject)
              sockets.push(socket)
            }),
        ),
      )
    }
    await settle(1000)
    const afterKiB = rssKiB(pid)
    return { beforeKiB, afterKiB, bytesPerConnection: ((afterKiB - beforeKiB) * 1024) / count }
  } finally {
    for (const socket of sockets) {
      socket.destroy()
    }
  }
}
