import { randomBytes } from 'node:crypto'
import type { Socket } from 'node:net'
import { Report, type ScenarioResult } from '../checks.ts'
import { Receiver, connectPeer, describeEcho, echoOn } from '../peer.ts'
import {
  claimedClient,
  connectBalancer,
  describePeer,
  proxyHeader,
  proxyServerArgs,
} from '../proxy-peers.ts'
import type { ConnectionRecord, StreamServerStats } from '../servers/replies.ts'
import { withDrivenServer, type Targets } from '../targets.ts'
import { timingMargin } from '../timing-margin.ts'
import { judgeRateLimit, stampedWarnings } from '../warning-lines.ts'

/** Sizes of {@link runProxyForgedHeaders}. */
export interface ProxyForgedHeadersParams {
  /** Peers of each refused kind. */
  readonly peersPerKind: number
}

/** The client every forged header claims to be. */
const FORGED = { address: '203.0.113.66', port: 6666 }

/** The server's header timeout: refusals must come long before it. */
const TIMEOUT_MS = 10_000

/**
 * Peers the server must refuse: from an untrusted address, a header claiming {@link FORGED}
 * (version 1 or 2) or no header at all (a client going around the balancer); from the trusted
 * balancer, a version 2 header announcing more TLVs than the size limit, a version 1 line that
 * never ends, and an HTTP request instead of a header (a server must never guess).
 */
type Refused = 'forged-v1' | 'forged-v2' | 'no-header' | 'oversized-v2' | 'endless-v1' | 'http'

const KINDS: readonly Refused[] = [
  'forged-v1',
  'forged-v2',
  'no-header',
  'oversized-v2',
  'endless-v1',
  'http',
]

/** What a refused peer sends: its first bytes, then the data that must never be echoed. */
function attack(kind: Refused): Uint8Array[] {
  const data = Buffer.from('data that must never be echoed\n')
  switch (kind) {
    case 'forged-v1':
      return [proxyHeader(1, FORGED), data]
    case 'forged-v2':
      return [proxyHeader(2, FORGED), data]
    case 'no-header':
      return [data]
    case 'oversized-v2': {
      // The signature, version 2 PROXY over TCP4, a length of 65,535, then as many bytes.
      const header = Buffer.from(proxyHeader(2, FORGED).subarray(0, 16))
      header.writeUInt16BE(0xffff, 14)
      return [header, randomBytes(0xffff)]
    }
    case 'endless-v1':
      return [Buffer.from('PROXY TCP4 203.0.113.66 192.0.2.10 6666 '), Buffer.alloc(64 * 1024, '4')]
    case 'http':
      return [Buffer.from('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'), data]
  }
}

interface RefusedPeer {
  readonly kind: Refused
  readonly lifetime: number
  readonly received: number
  readonly end: string
}

/** Connects as `kind` says, sends its attack, and resolves once the server closed it. */
async function refusedPeer(
  targets: Targets,
  port: number,
  kind: Refused,
  waitMs: number,
): Promise<RefusedPeer> {
  const trusted = kind === 'oversized-v2' || kind === 'endless-v1' || kind === 'http'
  const started = performance.now()
  const socket: Socket = trusted
    ? await connectBalancer(port)
    : await connectPeer(targets.host, port)
  const receiver = new Receiver(socket)
  for (const chunk of attack(kind)) {
    socket.write(chunk)
  }
  await Promise.race([receiver.closed, new Promise((resolve) => setTimeout(resolve, waitMs))])
  socket.destroy()
  return {
    kind,
    lifetime: (receiver.closedAt ?? Infinity) - started,
    received: receiver.bytes,
    end: receiver.end,
  }
}

/**
 * Scenario 16c: forged PROXY headers from an untrusted address (claiming another client), a
 * client that goes around the balancer, and, from the trusted balancer, a header past the size
 * limit, a version 1 line that never ends and an HTTP request. Each must be refused at once (no
 * waiting for the header timeout), its bytes never echoed, no protocol made with the forged
 * address, each counted and the lot reported rate-limited, while the balancer's genuine
 * connections are served with their clients' addresses.
 */
export async function runProxyForgedHeaders(
  targets: Targets,
  params: ProxyForgedHeadersParams,
): Promise<ScenarioResult> {
  const total = params.peersPerKind * KINDS.length
  const report = new Report(
    '16c',
    'PROXY: forged and malformed headers',
    `${total} peers (forged v1/v2 and no header from ${targets.host}; oversized, endless, HTTP from the balancer)`,
  )
  try {
    await withDrivenServer(
      targets.streamServerScript,
      proxyServerArgs(targets, TIMEOUT_MS),
      {},
      async (server) => {
        const from = server.lineCount
        const margin = timingMargin(1000)
        const refused = await Promise.all(
          KINDS.flatMap((kind) =>
            Array.from({ length: params.peersPerKind }, () =>
              refusedPeer(targets, server.port, kind, TIMEOUT_MS + margin.ms),
            ),
          ),
        )
        const genuine = await connectBalancer(server.port)
        const genuinePort = genuine.localPort ?? -1
        genuine.write(proxyHeader(2, claimedClient(7)))
        const echo = await echoOn(genuine, [randomBytes(64 * 1024)], 30_000)

        const slowest = Math.max(...refused.map(({ lifetime }) => lifetime))
        const late = refused.filter(({ lifetime }) => lifetime > margin.ms)
        report.figure('slowest refusal', `${Math.round(slowest)} ms after the connect began`)
        report.check(
          'every one refused at once',
          late.length === 0,
          `slowest ${Math.round(slowest)} ms (bound ${margin.ms} ms: ${margin.description}; the ` +
            `header timeout is ${TIMEOUT_MS / 1000} s); late: ${late.map(({ kind }) => kind).join(', ') || 'none'}`,
        )
        const echoed = refused.filter(({ received }) => received > 0)
        report.check(
          'none of them got a byte back',
          echoed.length === 0,
          `${echoed.length} got bytes: ${echoed.map(({ kind, received }) => `${kind} ${received} B`).join(', ') || 'none'}`,
        )
        const records = await server.command<readonly ConnectionRecord[]>('connections')
        const forgedPeer = describePeer(FORGED)
        const forgedRecords = records.filter(({ peer }) => peer === forgedPeer)
        const genuineRecord = records.find(({ socketPort }) => socketPort === genuinePort)
        report.check(
          'no protocol made with the forged address; the genuine one has its client address',
          forgedRecords.length === 0 &&
            records.length === 1 &&
            genuineRecord?.peer === describePeer(claimedClient(7)),
          `${forgedRecords.length} connection(s) as ${forgedPeer}; ${records.length} made in all; ` +
            `the genuine one seen as ${genuineRecord?.peer ?? 'nothing'}`,
        )
        report.check('the genuine connection is served byte-exact', echo.exact, describeEcho(echo))
        const stats = await server.command<StreamServerStats>('stats')
        report.check(
          'each one counted as a header failure',
          stats.proxyHeaderFailures === total,
          `${stats.proxyHeaderFailures} counted for ${total}`,
        )
        const warnings = stampedWarnings(server.linesSince(from), /PROXY header/)
        report.figure('first warning', warnings[0]?.message ?? 'none')
        const rate = judgeRateLimit(warnings, stats.proxyHeaderFailures, 10_000)
        report.check('reported rate-limited (one line per 10 s)', rate.ok, rate.detail)
      },
    )
  } catch (error) {
    report.fail('scenario ran to the end', error)
  }
  return report.finish()
}
