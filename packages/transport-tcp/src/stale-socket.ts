/**
 * What to do with a file already at a Unix server's path. A server killed before it could close
 * leaves its socket file behind, and binding the path then fails with `EADDRINUSE` (Node leaves
 * the file, nodejs/node#724; asyncio removes whatever is there, even a live server's socket).
 * Here a socket file is probed with a connection: refused means no one listens, and the file is
 * removed; answered means a live server, whose path is never taken. Anything but a socket (a
 * regular file, a directory, a symbolic link, even to a socket) is never removed.
 */
import type { BigIntStats } from 'node:fs'
import { lstat, unlink } from 'node:fs/promises'
import { connect } from 'node:net'
import { toUnixSocketError, UnixSocketError } from './unix-socket-error.ts'

/**
 * A guard against a probe that never settles, not a deadline: connecting to a Unix socket never
 * waits on Linux (it succeeds, or fails with ECONNREFUSED, or EAGAIN when the backlog is full).
 */
const PROBE_HANG_GUARD_MS = 5000

/** What connecting to an existing socket file found. */
type ProbeResult = 'live' | 'stale' | 'gone' | Error

function probe(path: string): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ path })
    const settle = (result: ProbeResult): void => {
      clearTimeout(timer)
      socket.destroy()
      resolve(result)
    }
    // No answer in time: something holds the path; never take it.
    const timer = setTimeout(settle, PROBE_HANG_GUARD_MS, 'live')
    socket.once('connect', () => {
      settle('live')
    })
    socket.once('error', (error: NodeJS.ErrnoException) => {
      switch (error.code) {
        case 'ECONNREFUSED':
          settle('stale')
          break
        case 'ENOENT':
          settle('gone')
          break
        case 'EAGAIN':
          // A live server whose queue of pending connections is full.
          settle('live')
          break
        default:
          settle(error)
      }
    })
  })
}

function fileType(stats: BigIntStats): string {
  if (stats.isFile()) {
    return 'a regular file'
  }
  if (stats.isDirectory()) {
    return 'a directory'
  }
  if (stats.isSymbolicLink()) {
    return 'a symbolic link'
  }
  if (stats.isFIFO()) {
    return 'a FIFO'
  }
  return 'a device'
}

/** The file's identity (device and inode), or `undefined` when there is none at `path`. */
async function identity(path: string): Promise<BigIntStats | undefined> {
  try {
    return await lstat(path, { bigint: true })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined
    }
    throw error
  }
}

/**
 * Makes `path` free for a new server: nothing there, or a stale socket file, removed.
 * @throws `UnixSocketError` with code `EADDRINUSE` when a live server listens there or the path
 *   is not a socket (nothing is removed then), or the system's code when the path cannot be
 *   examined (`EACCES`, ...).
 */
export async function clearStaleSocket(path: string): Promise<void> {
  let found: BigIntStats | undefined
  try {
    found = await identity(path)
  } catch (error) {
    throw toUnixSocketError('listen', path, error)
  }
  if (found === undefined) {
    return
  }
  if (!found.isSocket()) {
    throw new UnixSocketError(
      'listen',
      path,
      'EADDRINUSE',
      `the path exists and is ${fileType(found)}, not a socket; it is never removed`,
    )
  }
  const result = await probe(path)
  if (result === 'live') {
    throw new UnixSocketError(
      'listen',
      path,
      'EADDRINUSE',
      'a server is listening on it: its socket file answered a connection',
    )
  }
  if (result instanceof Error) {
    throw new UnixSocketError(
      'listen',
      path,
      'EADDRINUSE',
      `a socket file is there and probing it failed (${result.message}); it is not removed`,
      { cause: result },
    )
  }
  if (result === 'gone') {
    return
  }
  // Refused: no one listens. Remove the file only if it is still the one probed, so that a
  // server that replaced it meanwhile keeps its path.
  try {
    const now = await identity(path)
    if (now?.dev === found.dev && now.ino === found.ino) {
      await unlink(path)
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw toUnixSocketError('listen', path, error)
    }
  }
}
