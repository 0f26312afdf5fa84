import { readFile } from 'node:fs/promises'

/** One TCP socket as the kernel lists it in `/proc/net/tcp{,6}`. */
export interface KernelSocket {
  readonly localPort: number
  readonly remotePort: number
  /** Bytes written but not yet acknowledged by the peer (`tx_queue`). */
  readonly sendQueue: number
  /** Bytes received but not yet read by the application (`rx_queue`). */
  readonly receiveQueue: number
  /** The state number (1 is ESTABLISHED). */
  readonly state: number
}

function parse(table: string): KernelSocket[] {
  const sockets: KernelSocket[] = []
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/)
    const [local, remote, state, queues] = [fields[1], fields[2], fields[3], fields[4]]
    if (local == null || remote == null || state == null || queues == null) {
      continue
    }
    const [tx, rx] = queues.split(':')
    sockets.push({
      localPort: parseInt(local.split(':')[1] ?? '', 16),
      remotePort: parseInt(remote.split(':')[1] ?? '', 16),
      sendQueue: parseInt(tx ?? '', 16),
      receiveQueue: parseInt(rx ?? '', 16),
      state: parseInt(state, 16),
    })
  }
  return sockets
}

/**
 * The kernel's view of every TCP socket on this host (IPv4 and IPv6): what a server has not read
 * yet is visible there and nowhere else.
 */
export async function readKernelSockets(): Promise<KernelSocket[]> {
  const tables = await Promise.all(
    ['/proc/net/tcp', '/proc/net/tcp6'].map((path) => readFile(path, 'utf8').catch(() => '')),
  )
  return tables.flatMap(parse)
}
