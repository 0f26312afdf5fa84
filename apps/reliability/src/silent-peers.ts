import type { Socket } from 'node:net'
import { Receiver } from './peer.ts'
import { HANDSHAKE_RETRY_MS, timingMargin } from './timing-margin.ts'

/** A peer that connected and then did not do what the server waits for. */
export interface SilentPeer {
  readonly socket: Socket
  readonly receiver: Receiver
  /** When (performance.now()) its connect was started: the server cannot have accepted it before. */
  readonly startedAt: number
}

/**
 * Opens `count` peers, `batch` connects at a time, each with `connect` (which resolves once the
 * socket is connected, and is told when its connect was started).
 */
export async function openSilentPeers(
  count: number,
  connect: (index: number) => Promise<Socket>,
  batch = 200,
): Promise<SilentPeer[]> {
  const peers: SilentPeer[] = []
  for (let first = 0; first < count; first += batch) {
    const opened = await Promise.all(
      Array.from({ length: Math.min(batch, count - first) }, async (_, offset) => {
        const startedAt = performance.now()
        const socket = await connect(first + offset)
        return { socket, receiver: new Receiver(socket), startedAt }
      }),
    )
    peers.push(...opened)
  }
  return peers
}

/** Waits until every peer's socket has closed, or `timeoutMs`. */
export async function allClosed(peers: readonly SilentPeer[], timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  await Promise.race([
    Promise.all(peers.map(({ receiver }) => receiver.closed)),
    new Promise((resolve) => {
      timer = setTimeout(resolve, timeoutMs)
    }),
  ])
  clearTimeout(timer)
}

/** A verdict on when the server closed a group of peers. */
export interface ClosedAtTimeout {
  readonly ok: boolean
  readonly detail: string
  /** `2.00 s / 2.01 s / 2.05 s`: min / median / max of the lifetimes. */
  readonly lifetimes: string
}

/** Node's timers may fire up to a millisecond early against `performance.now()`. */
const TIMER_GRANULARITY_MS = 5

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`

/**
 * Judges that the server closed every peer at its timeout: not before it (from the moment the
 * connect was started, which is before the server could accept), and not later than the timeout
 * plus a margin that grows with the machine's load (see {@link timingMargin}) plus one retried
 * TCP handshake: a judgement on behaviour, not on speed. Every peer must have been closed by the
 * server (EOF or reset).
 */
export function judgeClosedAtTimeout(
  peers: readonly SilentPeer[],
  timeoutMs: number,
  marginBaseMs = 1000,
): ClosedAtTimeout {
  const margin = timingMargin(marginBaseMs)
  const lifetimes = peers
    .map(({ receiver, startedAt }) =>
      receiver.closedAt == null ? Infinity : receiver.closedAt - startedAt,
    )
    .sort((a, b) => a - b)
  const early = lifetimes.filter((ms) => ms < timeoutMs - TIMER_GRANULARITY_MS).length
  const latest = timeoutMs + margin.ms + HANDSHAKE_RETRY_MS
  const late = lifetimes.filter((ms) => ms > latest).length
  const open = lifetimes.filter((ms) => ms === Infinity).length
  const ends = new Map<string, number>()
  for (const { receiver } of peers) {
    ends.set(receiver.end, (ends.get(receiver.end) ?? 0) + 1)
  }
  const median = lifetimes[Math.floor(lifetimes.length / 2)] ?? NaN
  return {
    ok: peers.length > 0 && early === 0 && late === 0,
    detail:
      `${peers.length - early - late} of ${peers.length} closed between ${seconds(timeoutMs)} and ` +
      `${seconds(latest)} after their connect began (margin ${margin.description}, and ` +
      `${HANDSHAKE_RETRY_MS} ms for a retried handshake); ` +
      `${early} earlier, ${late - open} later, ${open} never; ` +
      `ends: ${[...ends].map(([end, count]) => `${count} ${end}`).join(', ')}`,
    lifetimes: `${seconds(lifetimes[0] ?? NaN)} / ${seconds(median)} / ${seconds(lifetimes.at(-1) ?? NaN)}`,
  }
}
