import { fileURLToPath } from 'node:url'
import { ServerProcess } from './server-process.ts'

/** What the suite runs against: the built echo server and client, on a loopback host. */
export interface Targets {
  /** The echo server's built entry point. */
  readonly serverScript: string
  /** The echo client's built entry point. */
  readonly clientScript: string
  /**
   * The library-level echo server of scenarios 14, 16 and 17 (TLS, PROXY header, drain), driven
   * by commands: this app's `dist/servers/stream-echo-server.js`.
   */
  readonly streamServerScript: string
  /** The UDP endpoint that floods (scenario 15a) or meets ICMP errors (15b), driven by commands. */
  readonly datagramSenderScript: string
  /** The slow UDP endpoint of scenario 15a, driven by commands. */
  readonly datagramReceiverScript: string
  /** The loopback address servers listen on and peers connect to. */
  readonly host: '127.0.0.1' | '::1'
  /** Arguments added to every server start (after the suite's own). */
  readonly serverArgs?: readonly string[]
}

/** A script of this app's build (from `src/` under vitest, or from `dist/`: both are siblings). */
function built(path: string): string {
  return fileURLToPath(new URL(`../dist/${path}`, import.meta.url))
}

/** The echo server and client built in this workspace, and this app's driven servers, on 127.0.0.1. */
export const defaultTargets: Targets = {
  serverScript: fileURLToPath(new URL('../../echo-server/dist/main.js', import.meta.url)),
  clientScript: fileURLToPath(new URL('../../echo-client/dist/main.js', import.meta.url)),
  streamServerScript: built('servers/stream-echo-server.js'),
  datagramSenderScript: built('servers/datagram-sender.js'),
  datagramReceiverScript: built('servers/datagram-receiver.js'),
  host: '127.0.0.1',
}

/** Options of {@link startServer}: extra arguments and a descriptor limit for the child. */
export interface StartOptions {
  readonly args?: readonly string[]
  readonly fdLimit?: number
  /** Starts the server so that {@link ServerProcess.collectGarbage} works. */
  readonly collectableGarbage?: boolean
}

/** Starts the echo server of `targets` on port 0 with `--log-level info` and `args`. */
export function startServer(targets: Targets, options: StartOptions = {}): Promise<ServerProcess> {
  return ServerProcess.start({
    script: targets.serverScript,
    args: [
      '--host',
      targets.host,
      '--port',
      '0',
      '--log-level',
      'info',
      ...(options.args ?? []),
      ...(targets.serverArgs ?? []),
    ],
    ...(options.fdLimit == null ? {} : { fdLimit: options.fdLimit }),
    ...(options.collectableGarbage == null
      ? {}
      : { collectableGarbage: options.collectableGarbage }),
  })
}

/** Runs `body` with a started server and always stops the server afterwards. */
export async function withServer<TResult>(
  targets: Targets,
  options: StartOptions,
  body: (server: ServerProcess) => Promise<TResult>,
): Promise<TResult> {
  const server = await startServer(targets, options)
  try {
    return await body(server)
  } finally {
    await server.stop()
  }
}

/** Options of {@link startDrivenServer}. */
export interface DrivenServerOptions {
  readonly fdLimit?: number
  /** Starts the server so that {@link ServerProcess.collectGarbage} works. */
  readonly collectableGarbage?: boolean
}

/**
 * Starts one of the servers the suite drives by commands (`src/servers/`, or a broken stand-in
 * from the tests) with `args`; it listens on `targets.host` unless `args` say otherwise.
 */
export function startDrivenServer(
  script: string,
  args: readonly string[],
  options: DrivenServerOptions = {},
): Promise<ServerProcess> {
  return ServerProcess.start({
    script,
    args,
    ...(options.fdLimit == null ? {} : { fdLimit: options.fdLimit }),
    ...(options.collectableGarbage == null
      ? {}
      : { collectableGarbage: options.collectableGarbage }),
  })
}

/** Runs `body` with a started driven server and always stops the server afterwards. */
export async function withDrivenServer<TResult>(
  script: string,
  args: readonly string[],
  options: DrivenServerOptions,
  body: (server: ServerProcess) => Promise<TResult>,
): Promise<TResult> {
  const server = await startDrivenServer(script, args, options)
  try {
    return await body(server)
  } finally {
    await server.stop()
  }
}
