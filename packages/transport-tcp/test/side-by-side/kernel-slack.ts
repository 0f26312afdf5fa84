import { readFileSync } from 'node:fs'
import type { RawClient } from './raw-client.ts'

/**
 * The most bytes a loopback connection can hold in the kernel: the receiver's buffer and the
 * sender's, at most what TCP autotuning may grow them to (Linux's tcp_rmem and tcp_wmem maxima).
 * What the kernel took of a write lies between nothing and this, whatever the machine.
 */
export function kernelSlack(): number {
  const max = (file: string): number =>
    Number(readFileSync(`/proc/sys/net/ipv4/${file}`, 'utf8').trim().split(/\s+/)[2])
  return max('tcp_rmem') + max('tcp_wmem')
}

/** What a client that stopped reading may still have taken from the kernel: Node's read-ahead. */
export function clientReadAhead(client: RawClient): number {
  // Node reads until its buffer reaches the high-water mark, one read (64 KiB at most) at a time.
  return client.socket.readableHighWaterMark + 64 * 1024
}
