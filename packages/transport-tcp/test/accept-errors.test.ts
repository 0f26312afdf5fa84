import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { fillUntilRefused, spawnWithFewDescriptors } from './descriptor-limit-helpers.ts'
import { Cleanup } from './helpers.ts'

const cleanup = new Cleanup()
afterEach(() => cleanup.run())

const fixture = fileURLToPath(new URL('fixtures/echo-server.mjs', import.meta.url))

/** CPU seconds (user + system) the process has used, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  return (Number(fields[11]) + Number(fields[12])) / 100
}

async function connected(port: number): Promise<Socket> {
  const socket = connect({ host: '127.0.0.1', port })
  await once(socket, 'connect')
  return socket
}

function attempt(port: number): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => resolve(socket))
    socket.once('error', () => resolve(undefined))
  })
}

function echo(socket: Socket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => (received += chunk))
    socket.once('end', () => resolve(received))
    socket.once('error', reject)
    socket.end(text)
  })
}

describe('accept errors (EMFILE)', () => {
  // libuv meets EMFILE with its reserved-descriptor trick: it accepts and closes the connections it
  // cannot keep, and Node is told nothing (no 'error' event). So the server watches the count
  // itself (/proc) and backs off a few descriptors short of the limit. What must hold: the
  // process lives, no core spins, the excess peers see their connection end instead of a hang,
  // one report when the back-off begins and one when it ends, and serving resumes.
  it('back off near the limit, reporting once each way; no crash, no spin; serving resumes', async () => {
    const { child, firstLine, stderr, limit } = await spawnWithFewDescriptors(fixture, [], cleanup)
    const port = Number(firstLine)
    // The descriptors run out after a few dozen connections: the excess ends, it does not hang.
    const { admitted, refused } = await fillUntilRefused(() => connected(port), 20)
    cleanup.add(admitted, (sockets) => sockets.forEach((s) => s.destroy()))
    expect(admitted.length).toBeGreaterThan(0)
    expect(refused).toBe(20)
    // The server saw the limit coming and backed off, saying so once (stderr is another pipe:
    // its lines may arrive after the connections' ends).
    await expect
      .poll(() => stderr.filter((l) => l.includes('refusing new connections')))
      .toEqual([
        expect.stringMatching(
          new RegExp(
            `^warning: \\d+ of ${limit} file descriptors open \\(ulimit -n\\): ` +
              'refusing new connections until some close$',
          ),
        ),
      ])

    // Idle with descriptors exhausted: no busy loop.
    const before = cpuSeconds(child.pid ?? 0)
    await new Promise((resolve) => setTimeout(resolve, 1000))
    expect(cpuSeconds(child.pid ?? 0) - before).toBeLessThan(0.3)
    expect(child.exitCode).toBeNull()
    // Whatever reaches the server's error listener is reported once per second at most.
    expect(
      stderr.filter((l) => l.includes('accepting a connection failed')).length,
    ).toBeLessThanOrEqual(3)
    expect(stderr.join('\n')).not.toMatch(/\n\s+at /) // no stack trace

    for (const socket of admitted.splice(0)) {
      socket.destroy()
    }
    // Descriptors freed: the server accepts and echoes again.
    await expect
      .poll(async () => {
        const socket = await attempt(port)
        return socket === undefined ? 'refused' : await echo(socket, 'back')
      })
      .toBe('back')
    // One report when the back-off began, one when it ended.
    await expect
      .poll(() => stderr.filter((l) => l.includes('accepting connections again')))
      .toHaveLength(1)
    expect(stderr.filter((l) => l.includes('refusing new connections'))).toHaveLength(1)
  }, 60_000)
})
