import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { IdleTimeoutError, type Protocol } from '@wirekit/protocol-core'
import {
  createUnixConnection,
  createUnixServer,
  type UnixServer,
  type UnixServerOptions,
} from '../src/index.ts'
import { fillUntilRefused, spawnWithFewDescriptors } from './descriptor-limit-helpers.ts'
import { Cleanup, ended, readAll, Recorder } from './helpers.ts'
import { Echo, rawUnixClient, socketDirectory } from './unix-helpers.ts'

const cleanup = new Cleanup()
afterEach(() => cleanup.run())
const sockets = socketDirectory()
const fixture = fileURLToPath(new URL('fixtures/unix-echo-server.mjs', import.meta.url))

async function serve(
  factory: () => Protocol,
  options: Partial<UnixServerOptions> = {},
): Promise<UnixServer> {
  const server = await createUnixServer(factory, { path: sockets.path(), ...options })
  return cleanup.add(server, async (s) => {
    s.close()
    s.abortClients()
    await s.waitClosed()
  })
}

describe('createUnixServer: the server policies TCP has', () => {
  it('refuses connections past maxConnections, counting them', async () => {
    const path = sockets.path()
    const warnings: string[] = []
    const recorders: Recorder[] = []
    const server = await serve(
      () => {
        const recorder = new Recorder()
        recorders.push(recorder)
        return recorder
      },
      { path, maxConnections: 1, onWarning: (message) => warnings.push(message) },
    )
    const first = cleanup.add(await rawUnixClient(path), (s) => s.destroy())
    await expect.poll(() => server.connectionCount).toBe(1)
    const second = cleanup.add(await rawUnixClient(path), (s) => s.destroy())
    await ended(second)
    expect(server.refusedCount).toBe(1)
    expect(recorders).toHaveLength(1)
    expect(warnings).toEqual([
      `refused a connection from a client of ${path}: 1 connections open, the most allowed (maxConnections)`,
    ])
    first.destroy()
    await recorders[0]?.waitFor('connectionLost')
    const third = cleanup.add(await rawUnixClient(path), (s) => s.destroy())
    await expect.poll(() => recorders.length).toBe(2)
    third.destroy()
  })

  it('closes a connection idle for idleTimeout with an IdleTimeoutError', async () => {
    const path = sockets.path()
    const recorder = new Recorder()
    await serve(() => recorder, { path, idleTimeout: 50 })
    const client = cleanup.add(await rawUnixClient(path), (s) => s.destroy())
    await ended(client)
    await recorder.waitFor('connectionLost')
    expect(recorder.lostError).toBeInstanceOf(IdleTimeoutError)
  })

  it('closeClients() closes gracefully, abortClients() drops; waitClosed() waits for both', async () => {
    const path = sockets.path()
    const recorders: Recorder[] = []
    const server = await serve(
      () => {
        const recorder = new Recorder()
        recorder.keepOpenOnEof = true
        recorders.push(recorder)
        return recorder
      },
      { path },
    )
    const graceful = cleanup.add(await rawUnixClient(path), (s) => s.destroy())
    await expect.poll(() => recorders.length).toBe(1)
    recorders[0]?.transport?.write(new TextEncoder().encode('flushed'))
    server.closeClients()
    expect((await readAll(graceful)).toString()).toBe('flushed')
    await recorders[0]?.waitFor('connectionLost')
    expect(recorders[0]?.lostError).toBeUndefined()

    const aborted = cleanup.add(await rawUnixClient(path), (s) => s.destroy())
    await expect.poll(() => recorders.length).toBe(2)
    let settled = false
    const closed = server.waitClosed().then(() => (settled = true))
    server.close()
    await Promise.resolve()
    expect(settled).toBe(false) // one connection still open
    server.abortClients()
    await closed
    await ended(aborted)
    expect(server.connectionCount).toBe(0)
  })

  it('backs off near the descriptor limit and resumes, as over TCP', async () => {
    const path = sockets.path()
    const { stderr, limit } = await spawnWithFewDescriptors(fixture, [path], cleanup)
    const { admitted, refused } = await fillUntilRefused(() => rawUnixClient(path), 20)
    cleanup.add(admitted, (all) => all.forEach((socket) => socket.destroy()))
    expect(admitted.length).toBeGreaterThan(0)
    expect(refused).toBe(20)
    // Stderr is another pipe: its lines may arrive after the connections' ends.
    await expect
      .poll(() => stderr.filter((line) => line.includes('refusing new connections')))
      .toEqual([
        expect.stringMatching(
          new RegExp(`^warning: \\d+ of ${limit} file descriptors open \\(ulimit -n\\): refusing`),
        ),
      ])
    for (const socket of admitted.splice(0)) {
      socket.destroy()
    }
    await expect
      .poll(async () => {
        const socket = await rawUnixClient(path).catch(() => undefined)
        if (socket === undefined) {
          return 'refused'
        }
        socket.end('back')
        return (await readAll(socket).catch(() => Buffer.from('reset'))).toString()
      })
      .toBe('back')
    await expect
      .poll(() => stderr.filter((line) => line.includes('accepting connections again')))
      .toHaveLength(1)
    expect(stderr.filter((line) => line.includes('refusing new connections'))).toHaveLength(1)
  }, 60_000)

  it('works with createUnixConnection on both ends: peername is the path, sockname ""', async () => {
    const path = sockets.path()
    await serve(() => new Echo(), { path })
    const client = new Recorder()
    const { transport } = await createUnixConnection(() => client, { path })
    cleanup.add(transport, (t) => t.abort())
    expect(transport.getExtraInfo('peername')).toBe(path)
    expect(transport.getExtraInfo('sockname')).toBe('')
    transport.write(new TextEncoder().encode('both ends'))
    transport.writeEof()
    await client.waitFor('connectionLost')
    expect(client.received.toString()).toBe('both ends')
    expect(client.lostError).toBeUndefined()
  })
})
