import { lstatSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Protocol } from '@wirekit/protocol-core'
import { createUnixServer } from '../src/index.ts'
import { Cleanup } from './helpers.ts'
import { rawUnixEchoServer, socketDirectory } from './unix-helpers.ts'

const cleanup = new Cleanup()
afterEach(() => cleanup.run())
const sockets = socketDirectory()

function modeOf(path: string): string {
  return (lstatSync(path).mode & 0o777).toString(8)
}

/**
 * Looks at the socket's path and at every private bind directory beside it once per turn of the
 * event loop, between every step of a server's start (each file operation is one turn or more),
 * and records what it saw: `path <mode>` and `private <type> <mode>`.
 */
function watchPermissions(path: string): { seen: Set<string>; polls(): number; stop(): void } {
  const seen = new Set<string>()
  let polls = 0
  let running = true
  const poll = (): void => {
    if (!running) {
      return
    }
    polls += 1
    const stats = lstatSync(path, { throwIfNoEntry: false })
    if (stats !== undefined) {
      seen.add(`path ${(stats.mode & 0o777).toString(8)}`)
    }
    for (const name of readdirSync(sockets.dir)) {
      if (name.startsWith('.wirekit-')) {
        const entry = lstatSync(join(sockets.dir, name), { throwIfNoEntry: false })
        if (entry !== undefined) {
          const type = entry.isDirectory() ? 'directory' : 'other'
          seen.add(`private ${type} ${(entry.mode & 0o777).toString(8)}`)
        }
      }
    }
    setImmediate(poll)
  }
  setImmediate(poll)
  return {
    seen,
    polls: () => polls,
    stop: () => {
      running = false
    },
  }
}

describe('Unix socket permissions (mode)', () => {
  it.each([0o600, 0o660, 0o666, 0o700, 0o000])(
    'gives the socket file mode %s, whatever the umask',
    async (mode) => {
      const path = sockets.path()
      const server = await createUnixServer(() => new Protocol(), { path, mode })
      cleanup.add(server, (s) => {
        s.close()
      })
      expect(modeOf(path)).toBe(mode.toString(8))
    },
  )

  it('without mode, gives the file what a plain bind gives (0o777 less the umask), as Node does', async () => {
    const plain = sockets.path()
    cleanup.add(await rawUnixEchoServer(plain), (s) => s.close())
    const path = sockets.path()
    cleanup.add(await createUnixServer(() => new Protocol(), { path }), (s) => {
      s.close()
    })
    expect(modeOf(path)).toBe(modeOf(plain))
  })

  it('never lets the path exist with other bits than asked, not even for a moment (50 starts)', async () => {
    const path = sockets.path()
    const watcher = watchPermissions(path)
    try {
      for (let start = 0; start < 50; start++) {
        const pollsBefore = watcher.polls()
        const server = await createUnixServer(() => new Protocol(), { path, mode: 0o600 })
        // The watcher looked between the steps of the start, and looks once more now.
        expect(watcher.polls()).toBeGreaterThan(pollsBefore + 2)
        await new Promise(setImmediate)
        server.close()
      }
    } finally {
      watcher.stop()
    }
    // The path only ever appeared with its final mode; the socket was reachable otherwise only
    // through a private directory of mode 0700.
    expect(watcher.seen.has('path 600')).toBe(true)
    expect([...watcher.seen].filter((entry) => entry.startsWith('path'))).toEqual(['path 600'])
    expect([...watcher.seen].filter((entry) => entry.startsWith('private')).sort()).toEqual(
      watcher.seen.has('private directory 700') ? ['private directory 700'] : [],
    )
  })
})
