import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import type { Socket } from 'node:net'
import { createInterface } from 'node:readline'
import type { Cleanup } from './helpers.ts'

/**
 * Descriptors a limited server gets beyond those it inherits. Node itself takes 20 to 25 (more on
 * newer lines); the rest hold connections until the server backs off.
 */
const ROOM = 48

/** A fixture server running in its own process with a low descriptor limit. */
export interface LimitedServer {
  readonly child: ChildProcess
  /** The first line the fixture printed on stdout (its port, or `listening`). */
  readonly firstLine: string
  /** The lines the fixture printed on stderr so far (its warnings). */
  readonly stderr: string[]
  /** Its soft descriptor limit (`ulimit -n`). */
  readonly limit: number
}

/**
 * Runs `node fixture ...args` with `ulimit -n` set to the descriptors the shell inherits plus
 * {@link ROOM}: a fixed limit would leave a different number of descriptors free on every machine
 * and Node line (a test runner may leak descriptors into its children).
 */
export async function spawnWithFewDescriptors(
  fixture: string,
  args: readonly string[],
  cleanup: Cleanup,
): Promise<LimitedServer> {
  const script = `n=$(ls /proc/self/fd | wc -l) && ulimit -n $((n + ${ROOM})) && exec "$0" "$@"`
  const child = spawn('sh', ['-c', script, process.execPath, fixture, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  cleanup.add(child, (c) => c.kill('SIGKILL'))
  const stderr: string[] = []
  createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line))
  const lines = createInterface({ input: child.stdout })
  const [firstLine] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(() => {
      throw new Error(`the fixture exited before it listened: ${stderr.join(' | ')}`)
    }),
  ])) as [string]
  return { child, firstLine, stderr, limit: softDescriptorLimit(child.pid ?? 0) }
}

function softDescriptorLimit(pid: number): number {
  const line = readFileSync(`/proc/${pid}/limits`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'))
  return Number(line?.split(/\s+/)[3])
}

/** What {@link fillUntilRefused} saw. */
export interface Filling {
  /** The connections the server kept (they echoed), still open. */
  readonly admitted: Socket[]
  /** How many connections the server ended or reset at once. */
  readonly refused: number
}

/**
 * Opens connections one at a time, each settled before the next (it echoes a byte: admitted; it
 * ends or resets: refused), until `refusals` were refused or `most` were tried. One at a time, so
 * the server never has a queue of connections to accept while it backs off and resumes.
 * @throws Error naming the connection that neither echoed nor ended within 5 s (a hang).
 */
export async function fillUntilRefused(
  open: () => Promise<Socket>,
  refusals: number,
  most = 400,
): Promise<Filling> {
  const admitted: Socket[] = []
  let refused = 0
  for (let tried = 0; tried < most && refused < refusals; tried++) {
    const socket = await open()
    socket.on('error', () => undefined)
    const outcome = await echoesAByte(socket)
    if (outcome === 'hung') {
      socket.destroy()
      throw new Error(`connection ${String(tried + 1)} neither echoed nor ended within 5 s`)
    }
    if (outcome === 'echoed') {
      admitted.push(socket)
    } else {
      refused += 1
      socket.destroy()
    }
  }
  return { admitted, refused }
}

/** Sends a byte: `'echoed'` (admitted), `'ended'` (refused: ended or reset) or `'hung'` after 5 s. */
function echoesAByte(socket: Socket): Promise<'echoed' | 'ended' | 'hung'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('hung'), 5000)
    const settle = (outcome: 'echoed' | 'ended'): void => {
      clearTimeout(timer)
      resolve(outcome)
    }
    socket.once('data', () => settle('echoed'))
    socket.once('end', () => settle('ended'))
    socket.once('close', () => settle('ended'))
    socket.once('error', () => settle('ended'))
    socket.write('?')
  })
}
