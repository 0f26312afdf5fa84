/**
 * Listening on a Unix socket path.
 *
 * A file path is never bound directly. The socket is bound inside a private directory created
 * beside the path (mode 0700, so no one else can reach the socket through it), given its mode
 * there, then hard-linked into place: the path appears at once with its final mode (Node's
 * `readableAll`/`writableAll` change the mode after the bind, leaving a moment where the socket
 * is wider than asked), and the link fails rather than replace a file that appeared meanwhile.
 * The private name is then removed. Binding in place would also let libuv remove the path when
 * the server closes, whatever file it holds by then (a server that replaced ours included); this
 * way libuv removes only the private name, long gone, and the server removes the path itself,
 * only if it still holds its own socket (see owned-socket-file.ts).
 *
 * The kernel keeps the name a socket was bound to: `ss -xl`, `lsof` and a peer's `getpeername()`
 * show the private name (`<dir>/.wirekit-XXXXXX/<name>`), not the path.
 */
import { chmod, link, lstat, mkdtemp, rmdir, unlink } from 'node:fs/promises'
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net'
import { basename, dirname, join } from 'node:path'
import { OwnedSocketFile } from './owned-socket-file.ts'
import { clearStaleSocket } from './stale-socket.ts'
import { maxUnixPathBytes } from './unix-path.ts'
import type { UnixPath } from './unix-path.ts'
import { toUnixSocketError, UnixSocketError } from './unix-socket-error.ts'

/** What a Unix listening socket is opened with. */
export interface UnixListenSettings {
  /** Accepted sockets start paused, so that they can be switched to user-buffer reads first. */
  readonly pauseOnConnect: boolean
  readonly backlog: number
  /** The socket file's permission bits; the bind's default (0o777 less the umask) when undefined. */
  readonly mode: number | undefined
  readonly onConnection: (socket: Socket) => void
  readonly onListenerError: (error: Error) => void
}

/** A listening Unix socket and the file it owns (none for an abstract name). */
export interface UnixListening {
  readonly listener: NetServer
  readonly file: OwnedSocketFile | undefined
}

/** What `mkdtemp` makes of the prefix: six random characters follow it. */
const PRIVATE_DIRECTORY_PREFIX = '.wirekit-'
const PRIVATE_DIRECTORY_NAME_BYTES = Buffer.byteLength(PRIVATE_DIRECTORY_PREFIX) + 6

function listenOnce(listener: NetServer, path: string, backlog: number): Promise<void> {
  return new Promise((resolve, reject) => {
    listener.once('error', reject)
    listener.listen({ path, backlog }, () => {
      listener.off('error', reject)
      resolve()
    })
  })
}

/**
 * The name the socket is bound to inside the private directory: the path's own name where it fits
 * in a socket address (so that `ss -xl | grep app.sock` finds it), else one letter.
 * @throws `UnixSocketError` `ENAMETOOLONG` when not even that fits.
 */
function privateName(path: string): string {
  const privateDirectory = join(dirname(path), 'x'.repeat(PRIVATE_DIRECTORY_NAME_BYTES))
  const max = maxUnixPathBytes(false)
  for (const name of [basename(path), 's']) {
    if (Buffer.byteLength(join(privateDirectory, name)) <= max) {
      return name
    }
  }
  const needed = Buffer.byteLength(join(privateDirectory, 's'))
  throw new UnixSocketError(
    'listen',
    path,
    'ENAMETOOLONG',
    `the socket is bound in a private directory beside the path first (so that it never exists ` +
      `with wider permissions than asked), and that name would be ${needed} bytes long, more ` +
      `than the ${max} a Unix socket address holds: use a shorter directory`,
  )
}

/** Binds in a private directory beside `path`, sets the mode, links into place (see above). */
async function bindPrivately(
  listener: NetServer,
  path: string,
  settings: UnixListenSettings,
): Promise<OwnedSocketFile> {
  const name = privateName(path)
  const directory = await mkdtemp(join(dirname(path), PRIVATE_DIRECTORY_PREFIX))
  const bound = join(directory, name)
  try {
    await listenOnce(listener, bound, settings.backlog)
    if (settings.mode !== undefined) {
      await chmod(bound, settings.mode)
    }
    const { dev, ino } = await lstat(bound, { bigint: true })
    try {
      await link(bound, path)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new UnixSocketError(
          'listen',
          path,
          'EADDRINUSE',
          'another socket or file took the path while this server was starting',
          { cause: error },
        )
      }
      throw error
    }
    return new OwnedSocketFile(path, dev, ino)
  } finally {
    // The socket keeps listening without its private name; libuv's removal of that name when
    // the server closes then finds nothing.
    await unlink(bound).catch(() => undefined)
    await rmdir(directory).catch(() => undefined)
  }
}

/**
 * Opens a listening socket on `target`: an abstract name is bound as it is (it is free once its
 * socket closes, so one in use belongs to a live server); a file path is cleared of a stale
 * socket file first, then bound without a permission window (see above).
 * @throws `UnixSocketError`: `EADDRINUSE` for a path in use, else the system's code.
 */
export async function listenOnPath(
  target: UnixPath,
  settings: UnixListenSettings,
): Promise<UnixListening> {
  const { path } = target
  const listener = createNetServer(
    { allowHalfOpen: true, pauseOnConnect: settings.pauseOnConnect },
    settings.onConnection,
  )
  try {
    let file: OwnedSocketFile | undefined
    if (target.abstract) {
      await listenOnce(listener, path, settings.backlog)
    } else {
      await clearStaleSocket(path)
      file = await bindPrivately(listener, path, settings)
    }
    listener.on('error', settings.onListenerError)
    return { listener, file }
  } catch (error) {
    listener.close()
    if (target.abstract && (error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new UnixSocketError(
        'listen',
        path,
        'EADDRINUSE',
        'a live socket holds this abstract name',
        { cause: error },
      )
    }
    throw toUnixSocketError('listen', path, error)
  }
}
