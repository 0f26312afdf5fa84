import { readFile } from 'node:fs/promises'

/** One UDP socket as the kernel lists it in `/proc/net/udp{,6}`. */
export interface KernelUDPSocket {
  readonly localPort: number
  /** Bytes received and not yet read by the application (`rx_queue`). */
  readonly receiveQueue: number
  /**
   * Datagrams the kernel dropped for this socket (`drops`): mostly those that arrived while its
   * receive buffer was full.
   */
  readonly drops: number
}

function parse(table: string): KernelUDPSocket[] {
  const sockets: KernelUDPSocket[] = []
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/)
    const [local, queues, drops] = [fields[1], fields[4], fields[12]]
    if (local == null || queues == null || drops == null) {
      continue
    }
    sockets.push({
      localPort: parseInt(local.split(':')[1] ?? '', 16),
      receiveQueue: parseInt(queues.split(':')[1] ?? '', 16),
      drops: Number(drops),
    })
  }
  return sockets
}

/**
 * The kernel's view of the UDP socket bound to `port` (IPv4 or IPv6): what it holds unread and
 * what it dropped, which no application sees.
 */
export async function readUDPSocket(port: number): Promise<KernelUDPSocket | undefined> {
  const tables = await Promise.all(
    ['/proc/net/udp', '/proc/net/udp6'].map((path) => readFile(path, 'utf8').catch(() => '')),
  )
  return tables.flatMap(parse).find((socket) => socket.localPort === port)
}
