import type { ScenarioResult } from './checks.ts'
import type { Targets } from './targets.ts'
import { runBackpressure } from './scenarios/backpressure.ts'
import { runByteExact } from './scenarios/byte-exact.ts'
import { runCallbackErrors } from './scenarios/callback-errors.ts'
import { runChurn } from './scenarios/churn.ts'
import { runClientStdin } from './scenarios/client-stdin.ts'
import { runConcurrency } from './scenarios/concurrency.ts'
import { runDescriptorExhaustion } from './scenarios/descriptor-exhaustion.ts'
import { runDrainUnderLoad } from './scenarios/drain-under-load.ts'
import { runFlood } from './scenarios/flood.ts'
import { runHalfClose } from './scenarios/half-close.ts'
import { runIdleTimeout } from './scenarios/idle-timeout.ts'
import { runPeerReset } from './scenarios/peer-reset.ts'
import { runProxyForgedHeaders } from './scenarios/proxy-forged-headers.ts'
import { runProxySilentPeers } from './scenarios/proxy-silent-peers.ts'
import { runProxyTrickledHeaders } from './scenarios/proxy-trickled-headers.ts'
import { runSigterm } from './scenarios/sigterm.ts'
import { runSoak } from './scenarios/soak.ts'
import { runTLSHandshakeFlood } from './scenarios/tls-handshake-flood.ts'
import { runTLSHangUps } from './scenarios/tls-hang-ups.ts'
import { runTLSNoCloseNotify } from './scenarios/tls-no-close-notify.ts'
import { runTLSPlaintextClients } from './scenarios/tls-plaintext-clients.ts'
import { runTLSSilentClients } from './scenarios/tls-silent-clients.ts'
import { runUDPFlood } from './scenarios/udp-flood.ts'
import { runUDPPortUnreachable } from './scenarios/udp-port-unreachable.ts'
import { runUnixLivePath } from './scenarios/unix-live-path.ts'
import { runUnixStaleSocket } from './scenarios/unix-stale-socket.ts'

const MIB = 1024 * 1024

/** How a run is sized: the CI sizes, or the full ones; the soak's length. */
export interface RunSizes {
  readonly full: boolean
  /** The soak's length in minutes (default 10). */
  readonly minutes?: number
}

/** One scenario as the CLI lists it. */
export interface ScenarioSpec {
  readonly id: string
  readonly title: string
  /** Whether a run without `--full` and without `--scenario` includes it. */
  readonly inDefaultRun: boolean
  readonly run: (targets: Targets, sizes: RunSizes) => Promise<ScenarioResult>
}

/** Every scenario, in order, with its CI and full sizes. */
export const scenarios: readonly ScenarioSpec[] = [
  {
    id: '1',
    title: 'backpressure: 1 GiB (CI 256 MiB) to a client that stops reading',
    inDefaultRun: true,
    run: (targets, { full }) => runBackpressure(targets, { bytes: (full ? 1024 : 256) * MIB }),
  },
  {
    id: '2',
    title: 'byte-exact: all byte values, invalid UTF-8, 1-byte/random/1 MiB writes',
    inDefaultRun: true,
    run: (targets, { full }) => runByteExact(targets, { randomBytes: (full ? 256 : 8) * MIB }),
  },
  {
    id: '3',
    title: 'half-close: 0 B, 1 B, 64 KiB, 64 MiB then FIN',
    inDefaultRun: true,
    run: (targets) => runHalfClose(targets, { sizes: [0, 1, 64 * 1024, 64 * MIB] }),
  },
  {
    id: '4',
    title: 'peer reset in the middle of a 100 MiB transfer',
    inDefaultRun: true,
    run: (targets) => runPeerReset(targets, { bytes: 100 * MIB }),
  },
  {
    id: '5',
    title: 'SIGTERM with 50 idle, 10 busy, 5 non-reading clients',
    inDefaultRun: true,
    run: (targets) => runSigterm(targets, {}),
  },
  {
    id: '6',
    title: 'protocol callbacks that throw (library level)',
    inDefaultRun: true,
    run: (targets, { full }) => runCallbackErrors(targets, { rounds: full ? 100 : 3 }),
  },
  {
    id: '7',
    title: '10,000 (CI 1,000) concurrent connections x 64 KiB',
    inDefaultRun: true,
    run: (targets, { full }) => runConcurrency(targets, { connections: full ? 10_000 : 1000 }),
  },
  {
    id: '8',
    title: '100,000 (CI 10,000) connect/echo/close cycles',
    inDefaultRun: true,
    run: (targets, { full }) => runChurn(targets, { cycles: full ? 100_000 : 10_000 }),
  },
  {
    id: '9a',
    title: '500 connects against --max-connections 100',
    inDefaultRun: true,
    run: (targets) => runFlood(targets, { connects: 500 }),
  },
  {
    id: '9b',
    title: '1,000 (CI 200) silent clients against --idle-timeout 2',
    inDefaultRun: true,
    run: (targets, { full }) => runIdleTimeout(targets, { silent: full ? 1000 : 200 }),
  },
  {
    id: '10',
    title: 'soak: 200 ping-pong connections + 1 new/s (10 min; on demand)',
    inDefaultRun: false,
    run: (targets, { minutes }) => runSoak(targets, { minutes: minutes ?? 10 }),
  },
  {
    id: '11',
    title: 'echo-client --stdin: 1 GiB (CI 256 MiB) in bounded memory',
    inDefaultRun: true,
    run: (targets, { full }) => runClientStdin(targets, { bytes: (full ? 1024 : 256) * MIB }),
  },
  {
    id: '12',
    title: 'accept errors: 150 (full 1,000) peers against ulimit -n 64',
    inDefaultRun: true,
    run: (targets, { full }) => runDescriptorExhaustion(targets, { connects: full ? 1000 : 150 }),
  },
  {
    id: '13a',
    title: 'Unix socket: 20 (CI 3) servers killed with SIGKILL, each next one on the stale path',
    inDefaultRun: true,
    run: (targets, { full }) => runUnixStaleSocket(targets, { cycles: full ? 20 : 3 }),
  },
  {
    id: '13b',
    title: 'Unix socket: 50 (CI 5) second servers on a live path, 10 clients echoing through it',
    inDefaultRun: true,
    run: (targets, { full }) => runUnixLivePath(targets, { attempts: full ? 50 : 5 }),
  },
  {
    id: '14a',
    title: 'TLS: 150 (CI 30) plaintext clients on the TLS port',
    inDefaultRun: true,
    run: (targets, { full }) => runTLSPlaintextClients(targets, { clientsPerKind: full ? 50 : 10 }),
  },
  {
    id: '14b',
    title: 'TLS: 1,000 (CI 200) clients that never handshake, handshake timeout 2 s',
    inDefaultRun: true,
    run: (targets, { full }) => runTLSSilentClients(targets, { clients: full ? 1000 : 200 }),
  },
  {
    id: '14c',
    title: 'TLS: 2,000 failed handshakes over 25 s (CI 200 at once): rate-limited warnings',
    inDefaultRun: true,
    run: (targets, { full }) =>
      runTLSHandshakeFlood(
        targets,
        full ? { failures: 2000, durationMs: 25_000 } : { failures: 200, durationMs: 0 },
      ),
  },
  {
    id: '14d',
    title: 'TLS: 50 (CI 5) peers of each kind that never send close_notify',
    inDefaultRun: true,
    run: (targets, { full }) => runTLSNoCloseNotify(targets, { peersPerKind: full ? 50 : 5 }),
  },
  {
    id: '14e',
    title: 'TLS: 100 (CI 5) peers of each kind that go away mid-handshake',
    inDefaultRun: true,
    run: (targets, { full }) => runTLSHangUps(targets, { peersPerKind: full ? 100 : 5 }),
  },
  {
    id: '15a',
    title: 'UDP: 1,000,000 (CI 100,000) datagrams to a slow endpoint',
    inDefaultRun: true,
    run: (targets, { full }) => runUDPFlood(targets, { datagrams: full ? 1_000_000 : 100_000 }),
  },
  {
    id: '15b',
    title: 'UDP: ICMP port unreachable on a connected endpoint, 100 (CI 20) datagrams',
    inDefaultRun: true,
    run: (targets, { full }) => runUDPPortUnreachable(targets, { datagrams: full ? 100 : 20 }),
  },
  {
    id: '16a',
    title: 'PROXY: 20 (CI 4) headers trickled one byte at a time',
    inDefaultRun: true,
    run: (targets, { full }) => runProxyTrickledHeaders(targets, { peers: full ? 20 : 4 }),
  },
  {
    id: '16b',
    title: 'PROXY: 1,000 (CI 200) peers that never send a header, header timeout 2 s',
    inDefaultRun: true,
    run: (targets, { full }) => runProxySilentPeers(targets, { peers: full ? 1000 : 200 }),
  },
  {
    id: '16c',
    title: 'PROXY: 20 (CI 3) forged or malformed headers of each kind',
    inDefaultRun: true,
    run: (targets, { full }) => runProxyForgedHeaders(targets, { peersPerKind: full ? 20 : 3 }),
  },
  {
    id: '17',
    title: 'drain under load: 2,000 (CI 200) connections exchanging data',
    inDefaultRun: true,
    run: (targets, { full }) => runDrainUnderLoad(targets, { connections: full ? 2000 : 200 }),
  },
]

/**
 * The scenarios to run: those named (`9` names 9a and 9b), else the default run (the full run
 * adds the soak).
 */
export function selectScenarios(ids: readonly string[], full: boolean): ScenarioSpec[] {
  if (ids.length === 0) {
    return scenarios.filter((spec) => spec.inDefaultRun || full)
  }
  const chosen = scenarios.filter((spec) =>
    ids.some((id) => spec.id === id || spec.id.replace(/[a-z]$/, '') === id),
  )
  const unknown = ids.filter(
    (id) => !chosen.some((spec) => spec.id === id || spec.id.replace(/[a-z]$/, '') === id),
  )
  if (unknown.length > 0) {
    throw new RangeError(
      `unknown scenario ${unknown.join(', ')}; known: ${scenarios.map((spec) => spec.id).join(', ')}`,
    )
  }
  return chosen
}
