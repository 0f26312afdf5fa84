import { describe, expect, it } from 'vitest'
import { failedChecks } from '../src/checks.ts'
import { runUnixLivePath } from '../src/scenarios/unix-live-path.ts'
import { runUnixStaleSocket } from '../src/scenarios/unix-stale-socket.ts'
import { naiveTargets, targets } from './targets.ts'
import { fileURLToPath } from 'node:url'

const naiveUnix = {
  ...naiveTargets,
  serverScript: fileURLToPath(new URL('./fixtures/naive-unix-echo-server.mjs', import.meta.url)),
}

describe('scenario 13a: a killed server’s stale socket', () => {
  it('3 servers killed with SIGKILL: each next one starts on the path, echoes, and cleans up', async () => {
    const result = await runUnixStaleSocket(targets, { cycles: 3 })
    expect(failedChecks(result)).toEqual([])
  })

  it('fails against a server that leaves a stale socket file in its way (Node’s listen)', async () => {
    const result = await runUnixStaleSocket(
      { ...naiveUnix, serverArgs: ['--bug', 'keep-stale'] },
      { cycles: 1 },
    )
    expect(failedChecks(result).map((check) => check.name)).toContain(
      '2 servers in turn started on the path',
    )
  })
})

describe('scenario 13b: a second server on a live path', () => {
  it('5 second servers are refused; the first keeps its file and every echo', async () => {
    const result = await runUnixLivePath(targets, { attempts: 5 })
    expect(failedChecks(result)).toEqual([])
  })

  it('fails against a server that removes whatever is at the path (asyncio’s way)', async () => {
    const result = await runUnixLivePath(
      { ...naiveUnix, serverArgs: ['--bug', 'steal-path'] },
      { attempts: 1, clients: 2 },
    )
    expect(failedChecks(result).map((check) => check.name)).toEqual(
      expect.arrayContaining([
        'all 1 second servers refused: exit 1, one EADDRINUSE line, no stack trace',
        'the first server kept its socket file (same inode)',
      ]),
    )
  })
})
