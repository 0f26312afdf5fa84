import { createSocket, type RemoteInfo } from 'node:dgram'
import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import type { LoadResult } from '../src/load-options.ts'
import { fileURLToPath } from 'node:url'
import { GENERATOR, runToEnd, startListening, stopServers } from './child-processes.ts'

const closers: (() => void)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) {
    close()
  }
  await stopServers()
})

/** What a test server does with the n-th datagram (from 1): the datagrams to send back, when. */
type Answer = (
  datagram: Buffer,
  n: number,
) => { readonly echoes: Buffer[]; readonly delayMs?: number }

/** A UDP server in the test's process that answers each datagram as `answer` says. */
async function datagramServer(answer: Answer): Promise<number> {
  const socket = createSocket('udp4')
  const delayed = new Set<NodeJS.Timeout>()
  let n = 0
  socket.on('message', (datagram: Buffer, from: RemoteInfo) => {
    n += 1
    const { echoes, delayMs } = answer(datagram, n)
    const send = (): void => {
      for (const echo of echoes) {
        socket.send(echo, from.port, from.address)
      }
    }
    if (delayMs === undefined) {
      send()
    } else {
      const timer = setTimeout(() => {
        delayed.delete(timer)
        send()
      }, delayMs)
      delayed.add(timer)
    }
  })
  socket.bind(0, '127.0.0.1')
  await once(socket, 'listening')
  closers.push(() => {
    for (const timer of delayed) {
      clearTimeout(timer)
    }
    socket.close()
  })
  return socket.address().port
}

const load = (port: number, ...more: string[]) =>
  runToEnd(process.execPath, [
    GENERATOR,
    ...['--port', String(port), '--udp', '--warmup', '0', '--json'],
    ...more,
  ])

describe('echo-bench --udp', () => {
  it('echoes --count datagrams of each flow, checked, and counts what it sent', async () => {
    const port = await datagramServer((datagram) => ({ echoes: [datagram] }))
    const { code, stdout, stderr } = await load(
      port,
      ...['--count', '600', '--size', '1200', '--connections', '3', '--window', '8'],
      ...['--loss-timeout', '10'], // no datagram is lost on loopback, however busy the machine
    )
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const result = JSON.parse(stdout) as LoadResult
    expect(result.requests).toBe(600)
    expect(result.datagrams?.lost).toBe(0)
    // Every echo measured was sent while measuring, or was one of the first windows.
    expect(result.datagrams?.sent).toBeGreaterThanOrEqual(600 - 3 * 8)
    expect(result.options).toMatchObject({ mode: 'datagram', window: 8, size: 1200 })
  })

  it('counts a datagram lost after the timeout, replaces it, and goes on', async () => {
    const port = await datagramServer((datagram, n) => ({ echoes: n % 7 === 0 ? [] : [datagram] }))
    // 0.25 s: an echo slower than that would count as late, and one took over 0.05 s in a CI run
    // beside the other suites; each drop stalls one of the 8 datagrams in flight that long.
    const { code, stdout } = await load(
      port,
      ...['--count', '300', '--size', '64', '--loss-timeout', '0.25', '--connections', '2'],
    )
    expect(code).toBe(0)
    const { requests, datagrams } = JSON.parse(stdout) as LoadResult
    expect(requests).toBe(300)
    // One in seven is dropped: about 50 of the 350 or so sent.
    expect(datagrams?.lost).toBeGreaterThan(20)
    expect(datagrams?.late).toBe(0)
  })

  it('counts an echo that comes after the timeout as late, not as an echo', async () => {
    const port = await datagramServer((datagram, n) => ({
      echoes: [datagram],
      ...(n % 10 === 0 ? { delayMs: 300 } : {}),
    }))
    // Measured for 1 s: long enough for echoes held 0.3 s to come back after their 0.05 s.
    const { code, stdout } = await load(
      port,
      ...['--duration', '1', '--size', '64', '--loss-timeout', '0.05', '--connections', '1'],
    )
    expect(code).toBe(0)
    const { requests, datagrams } = JSON.parse(stdout) as LoadResult
    expect(requests).toBeGreaterThan(0)
    expect(datagrams?.lost).toBeGreaterThan(5)
    expect(datagrams?.late).toBeGreaterThan(0)
    expect(datagrams?.late).toBeLessThanOrEqual(datagrams?.lost ?? 0)
  })

  it.each([
    [
      'duplicates a datagram',
      ((datagram) => ({ echoes: [datagram, datagram] })) satisfies Answer,
      /^error: an echo of datagram \d+, which is not in flight \(duplicated or never sent\)\n$/,
    ],
    [
      'changes a byte',
      ((datagram, n) => {
        const copy = Buffer.from(datagram)
        copy[40] = n > 50 ? (copy[40] ?? 0) ^ 1 : (copy[40] ?? 0)
        return { echoes: [copy] }
      }) satisfies Answer,
      /^error: echo mismatch in a 64-byte datagram of 64 sent\n$/,
    ],
    [
      'cuts a datagram short',
      ((datagram) => ({ echoes: [datagram.subarray(0, 3)] })) satisfies Answer,
      /^error: echo mismatch in a 3-byte datagram of 64 sent\n$/,
    ],
  ])('fails, without a figure, when the server %s', async (_what, answer, error) => {
    const port = await datagramServer(answer)
    const { code, stdout, stderr } = await load(port, '--count', '500', '--size', '64')
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toMatch(error)
  })

  it('fails, without a figure, when nothing comes back in the measured time', async () => {
    const port = await datagramServer(() => ({ echoes: [] }))
    const { code, stdout, stderr } = await load(port, '--duration', '0.3', '--size', '64')
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toMatch(/^error: no echo completed in the 0\.\d s measured\n$/)
  })
})

describe("the bench's raw dgram server", () => {
  const rawServer = fileURLToPath(new URL('../dist/raw-datagram-echo-server.js', import.meta.url))

  it.each([[[]], [['--send-callback']]])('echoes every datagram, with %j', async (args) => {
    const server = await startListening(process.execPath, [rawServer, ...args])
    const { code, stdout, stderr } = await load(
      server.port,
      ...['--count', '300', '--size', '64', '--loss-timeout', '10'],
    )
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect((JSON.parse(stdout) as LoadResult).requests).toBe(300)
  })
})
