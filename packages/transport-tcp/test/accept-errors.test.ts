import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { Cleanup } from './helpers.ts'

const cleanup = new Cleanup()
afterEach(() => cleanup.run())

const fixture = fileURLToPath(new URL('fixtures/echo-server.mjs', import.meta.url))

/** CPU seconds (user + system) the process has used, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  return (Number(fields[11]) + Number(fields[12])) / 100
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
    // 40 descriptors: Node needs a dozen or so; the rest run out after a few dozen connections.
    const child = spawn('sh', ['-c', `ulimit -n 40 && exec "${process.execPath}" "${fixture}"`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    cleanup.add(child, (c) => c.kill('SIGKILL'))
    const stderr: string[] = []
    createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line))
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string]
    const port = Number(line)

    const held: Socket[] = []
    let closedByServer = 0
    cleanup.add(held, (sockets) => sockets.forEach((s) => s.destroy()))
    for (let i = 0; i < 80; i++) {
      const socket = await attempt(port)
      if (socket !== undefined) {
        socket.on('error', () => undefined)
        socket.on('close', () => (closedByServer += 1))
        socket.resume()
        held.push(socket)
      }
    }
    // 80 connections cannot all fit in 40 descriptors: the excess ends, it does not hang.
    await expect.poll(() => closedByServer, { timeout: 10_000 }).toBeGreaterThan(20)
    // The server saw the limit coming and backed off, saying so once.
    await expect
      .poll(() => stderr.filter((l) => l.includes('refusing new connections')))
      .toEqual([
        expect.stringMatching(
          /^warning: \d+ of 40 file descriptors open \(ulimit -n\): refusing new connections until some close$/,
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

    for (const socket of held.splice(0)) {
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
  })
})
