import { createHash, randomBytes } from 'node:crypto'
import { Report, type ScenarioResult } from '../checks.ts'
import { Receiver, connectPeer, describeEcho, echoOnce, randomChunks } from '../peer.ts'
import { ThrowingServer, type ThrowIn } from '../throwing-server.ts'
import type { Targets } from '../targets.ts'

/** Sizes of {@link runCallbackErrors}. */
export interface CallbackErrorsParams {
  /** How many times each callback is made to throw. */
  readonly rounds: number
}

const CALLBACKS: readonly Exclude<ThrowIn, 'none'>[] = [
  'connectionMade',
  'dataReceived',
  'eofReceived',
  'connectionLost',
]

/** Resolves with `promise`'s value, or `fallback` after `timeoutMs`. */
async function within<TValue, TFallback>(
  promise: Promise<TValue>,
  timeoutMs: number,
  fallback: TFallback,
): Promise<TValue | TFallback> {
  let timer: NodeJS.Timeout | undefined
  const result = await Promise.race([
    promise,
    new Promise<TFallback>((resolve) => {
      timer = setTimeout(() => resolve(fallback), timeoutMs)
    }),
  ])
  clearTimeout(timer)
  return result
}

/**
 * Scenario 6: a protocol callback throws in each of connectionMade, dataReceived, eofReceived and
 * connectionLost, on a library-level server (see {@link ThrowingServer}). Each error must be
 * reported once, the connection must end, and a client connected all along must keep its echo.
 */
export async function runCallbackErrors(
  targets: Targets,
  params: CallbackErrorsParams,
): Promise<ScenarioResult> {
  const report = new Report(
    '6',
    'protocol callbacks that throw',
    `${params.rounds} round(s) of 4 callbacks`,
  )
  const server = new ThrowingServer()
  try {
    const port = await server.start(targets.host)
    const bystander = await connectPeer(targets.host, port)
    const seen = new Receiver(bystander)
    const expected: Buffer[] = []
    const echoedBack = async (): Promise<boolean> => {
      const message = randomBytes(4096)
      expected.push(message)
      const want = expected.reduce((total, chunk) => total + chunk.length, 0)
      bystander.write(message)
      const done = new Promise<void>((resolve) => {
        const check = (): void => {
          if (seen.bytes >= want) {
            bystander.off('data', check)
            resolve()
          }
        }
        bystander.on('data', check)
        check()
      })
      return within(
        done.then(() => true),
        5000,
        false,
      )
    }

    for (let round = 0; round < params.rounds; round += 1) {
      for (const callback of CALLBACKS) {
        const before = server.errorsIn(callback).length
        server.next = callback
        const socket = await connectPeer(targets.host, port)
        const receiver = new Receiver(socket)
        if (callback !== 'connectionMade') {
          socket.write('ping')
        }
        if (callback === 'eofReceived' || callback === 'connectionLost') {
          socket.end()
        }
        const ended = await within(
          receiver.closed.then(() => true),
          5000,
          false,
        )
        const connection = server.connections.at(-1)
        const lost =
          connection == null ? 'no connection' : await within(connection.lost, 5000, 'not lost')
        const reported = server.errorsIn(callback).length - before
        const served = await echoedBack()
        if (round === 0 || !(ended && reported === 1 && served)) {
          report.check(
            `${callback} throws: reported once, connection ends, others served`,
            ended && reported === 1 && lost !== 'not lost' && served,
            `reported ${reported} time(s); peer saw ${ended ? receiver.end : 'no end within 5 s'}; ` +
              `connectionLost(${lost instanceof Error ? lost.name : String(lost)}); bystander echo ${served ? 'ok' : 'failed'}`,
          )
        }
      }
    }
    bystander.end()
    await within(seen.closed, 5000, undefined)
    const exact = Buffer.concat(expected)
    report.check(
      'the bystander connection stayed byte-exact to its end',
      seen.end === 'eof' && seen.digest() === createHash('sha256').update(exact).digest('hex'),
      `${seen.bytes} of ${exact.length} B, ended by ${seen.end}`,
    )
    const after = await echoOnce(targets.host, port, randomChunks(64 * 1024))
    report.check('a new client is served after all that', after.exact, describeEcho(after))
    report.figure('errors reported', server.errors.length)
    report.check(
      'no error reported beyond the ones thrown',
      server.errors.length === CALLBACKS.length * params.rounds,
      server.errors
        .map((error) => error.message)
        .slice(0, 8)
        .join(' | '),
    )
  } catch (error) {
    report.fail('scenario ran to the end', error)
  } finally {
    await server.close()
  }
  return report.finish()
}
