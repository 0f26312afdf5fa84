import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import type { LoadResult } from '../src/load-options.ts'
import {
  clockTicksPerSecond,
  parseProcStat,
  readCpuTicks,
  readTreeCpuTicks,
  serverCpu,
} from '../src/process-cpu.ts'
import { GENERATOR, runToEnd, startListening, stopServers } from './child-processes.ts'

afterEach(stopServers)

/** Burns `micros` of CPU time in user space (measured as CPU time, not wall time). */
const SPIN = `function spin(micros) {
  const start = process.cpuUsage()
  let x = 0
  for (;;) {
    for (let i = 0; i < 5000; i++) x = Math.sqrt(x + i)
    const used = process.cpuUsage(start)
    if (used.user + used.system >= micros) return x
  }
}`

describe('parseProcStat', () => {
  it('reads utime and stime of a real process whose name holds spaces and parentheses', async () => {
    // The child names itself like a stat line, burns 300 ms of CPU, then says so and waits.
    const child = spawn(
      process.execPath,
      [
        '-e',
        `process.title = 'x) S 1 2 3 4 (y'; ${SPIN}; spin(300000); process.stdout.write('spun\\n'); setInterval(() => {}, 1000)`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    try {
      await once(child.stdout, 'data')
      const ticks = readCpuTicks(child.pid ?? 0)
      const seconds = (ticks.user + ticks.system) / clockTicksPerSecond()
      expect(seconds).toBeGreaterThanOrEqual(0.28) // the spin, give or take a tick
      expect(ticks.user).toBeGreaterThan(ticks.system) // a spin in JavaScript is user time
    } finally {
      child.kill('SIGKILL')
    }
  })

  it('refuses what is not a stat line', () => {
    expect(() => parseProcStat('')).toThrow(/not a \/proc\/PID\/stat line/)
    expect(() => parseProcStat('12 (node) S 1 2')).toThrow(/not a \/proc\/PID\/stat line/)
  })

  it('divides the ticks of a window by its requests, user and system apart', () => {
    const cpu = serverCpu({ user: 100, system: 40 }, { user: 150, system: 60 }, 10_000, 100)
    expect(cpu).toEqual({
      userSeconds: 0.5,
      systemSeconds: 0.2,
      userMicrosPerRequest: 50,
      systemMicrosPerRequest: 20,
    })
  })
})

describe('readTreeCpuTicks', () => {
  it('adds the CPU time of every descendant: a server of several processes is measured whole', async () => {
    // A parent that starts a child; the child's own child burns 300 ms of CPU, then all wait.
    const grandchild = `${SPIN}; spin(300000); process.stdout.write('spun\\n'); setInterval(() => {}, 1000)`
    const child = `const c = require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(grandchild)}], { stdio: ['ignore', 'inherit', 'inherit'] }); setInterval(() => {}, 1000)`
    const parent = spawn(
      process.execPath,
      [
        '-e',
        `require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(child)}], { stdio: ['ignore', 'inherit', 'inherit'] }); setInterval(() => {}, 1000)`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'], detached: true },
    )
    try {
      await once(parent.stdout, 'data')
      const pid = parent.pid ?? 0
      const own = readCpuTicks(pid)
      const tree = readTreeCpuTicks(pid)
      const seconds = (ticks: { user: number; system: number }) =>
        (ticks.user + ticks.system) / clockTicksPerSecond()
      expect(seconds(tree)).toBeGreaterThanOrEqual(0.28 + seconds(own))
      expect(seconds(own)).toBeLessThan(0.28) // the spin is not the parent's
    } finally {
      process.kill(-(parent.pid ?? 0), 'SIGKILL') // the whole group: parent, child and grandchild
    }
  })

  it('throws for a process that is not there', () => {
    expect(() => readTreeCpuTicks(2 ** 22 + 12345)).toThrow(/ENOENT/)
  })
})

describe('echo-bench --server-pid', () => {
  // 1,000 round trips one after another, each waiting for two processes to be scheduled: about
  // 0.5 s on a quiet machine, up to 4 s seen in CI beside the other suites, over 20 s once.
  it("reports the server's own CPU time per request, which the server's work sets", async () => {
    // An echo server that spends 200 µs of CPU on every KiB it echoes: 1,000 requests of 1 KiB
    // cost it at least 200 ms, at least 20 ticks at 100 per second.
    const server = await startListening(process.execPath, [
      '-e',
      `${SPIN}
      require('node:net').createServer((socket) => {
        socket.on('data', (chunk) => { spin(chunk.length * 200 / 1024); socket.write(chunk) })
      }).listen(0, '127.0.0.1', function () {
        process.stderr.write('port ' + this.address().port + '\\n')
      })`,
    ])
    const { code, stdout, stderr } = await runToEnd(
      process.execPath,
      [
        GENERATOR,
        ...['--port', String(server.port), '--server-pid', String(server.pid)],
        ...['--count', '1000', '--connections', '2', '--warmup', '0', '--json'],
      ],
      50_000,
    )
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const result = JSON.parse(stdout) as LoadResult
    expect(result.requests).toBe(1000)
    const cpu = result.serverCpu
    if (cpu === undefined) {
      throw new Error('no serverCpu in the result')
    }
    const total = cpu.userMicrosPerRequest + cpu.systemMicrosPerRequest
    // 200 µs of spin per request, less one tick of rounding over the window (10 µs here).
    expect(total).toBeGreaterThanOrEqual(185)
    expect(total).toBeLessThan(1000) // the spin is most of what it does
    expect(cpu.userMicrosPerRequest).toBeGreaterThan(cpu.systemMicrosPerRequest)
    expect(cpu.userSeconds + cpu.systemSeconds).toBeCloseTo((total * 1000) / 1e6, 6)
  }, 60_000)
})
