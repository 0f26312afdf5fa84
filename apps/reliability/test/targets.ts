import { fileURLToPath } from 'node:url'
import { defaultTargets, type Targets } from '../src/targets.ts'

/**
 * The echo server and client under test: the workspace's builds (turbo builds them before
 * `test`), or the scripts named by WIREKIT_RELIABILITY_SERVER / WIREKIT_RELIABILITY_CLIENT.
 */
export const targets: Targets = {
  ...defaultTargets,
  serverScript: process.env.WIREKIT_RELIABILITY_SERVER ?? defaultTargets.serverScript,
  clientScript: process.env.WIREKIT_RELIABILITY_CLIENT ?? defaultTargets.clientScript,
}

/** The deliberately broken server of `fixtures/naive-echo-server.mjs`. */
export const naiveTargets: Targets = {
  ...defaultTargets,
  serverScript: fileURLToPath(new URL('./fixtures/naive-echo-server.mjs', import.meta.url)),
}

/**
 * The deliberately broken stand-ins of `fixtures/naive-stream-server.mjs` (TLS, PROXY header,
 * drain) and `fixtures/naive-datagram-sender.mjs` (UDP), in place of this app's driven servers.
 */
export const naiveDrivenTargets: Targets = {
  ...targets,
  streamServerScript: fileURLToPath(new URL('./fixtures/naive-stream-server.mjs', import.meta.url)),
  datagramSenderScript: fileURLToPath(
    new URL('./fixtures/naive-datagram-sender.mjs', import.meta.url),
  ),
}
