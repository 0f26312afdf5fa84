/**
 * Checks of a Unix socket path before anything is opened. The kernel takes the path in a fixed
 * `sun_path` array (108 bytes on Linux, 104 on macOS and the BSDs); Node 20 and 22 cut a longer
 * path to fit without a word, so a server would listen on, and a client connect to, another path
 * than the one asked for. Lengths are counted in bytes of UTF-8, as the kernel counts them.
 */
import type { NetworkOperation } from '@wirekit/protocol-core'
import { displayUnixPath, UnixSocketError } from './unix-socket-error.ts'

/** A checked Unix socket path. */
export interface UnixPath {
  /** The path as given; a Linux abstract name starts with `'\0'`. */
  readonly path: string
  /** `true` for a Linux abstract name: no file, nothing to remove, no permissions. */
  readonly abstract: boolean
}

/** Platforms with Linux's abstract socket namespace. */
const ABSTRACT_NAMES: boolean = process.platform === 'linux' || process.platform === 'android'

/** The size of `sockaddr_un.sun_path` on this platform. */
export const SUN_PATH_BYTES: number =
  process.platform === 'linux' || process.platform === 'android' || process.platform === 'sunos'
    ? 108
    : 104

function libuvBefore(major: number, minor: number): boolean {
  const [givenMajor = 0, givenMinor = 0] = process.versions.uv.split('.').map(Number)
  return givenMajor < major || (givenMajor === major && givenMinor < minor)
}

/**
 * `true` where Node's libuv binds and connects an abstract name padded with NULs to the whole of
 * `sun_path` (libuv before 1.48, so Node 20): there `'\0name'` is another name than the one
 * other programs, and Node 22, use, unless it fills `sun_path` already (108 bytes).
 */
export const ABSTRACT_NAMES_PADDED: boolean = ABSTRACT_NAMES && libuvBefore(1, 48)

/** Whether `path`, an abstract name, is padded by this Node (see {@link ABSTRACT_NAMES_PADDED}). */
export function abstractNamePadded(path: string): boolean {
  return ABSTRACT_NAMES_PADDED && Buffer.byteLength(path) < SUN_PATH_BYTES
}

/** Says what padding does to an abstract name on this Node, for warnings and errors. */
export function abstractPaddingNote(path: string): string {
  return (
    `Node ${process.version} (libuv ${process.versions.uv}) pads the abstract name ` +
    `${displayUnixPath(path)} with NULs to ${SUN_PATH_BYTES} bytes, so only peers that pad it ` +
    'the same way reach it (other programs use the exact name, as Node 22 does)'
  )
}

/**
 * The longest path, in bytes, a socket can be bound or connected to: `sun_path` less the NUL that
 * ends a file path (Linux also takes a path of all 108 bytes without it, but other programs and
 * systems do not), or all of `sun_path` for an abstract name, whose bytes all count.
 */
export function maxUnixPathBytes(abstract: boolean): number {
  return abstract ? SUN_PATH_BYTES : SUN_PATH_BYTES - 1
}

/** Throws `ENAMETOOLONG` when `path` does not fit in a socket address. */
export function checkUnixPathLength(
  operation: NetworkOperation,
  path: string,
  abstract: boolean,
): void {
  const bytes = Buffer.byteLength(path, 'utf8')
  const max = maxUnixPathBytes(abstract)
  if (bytes > max) {
    throw new UnixSocketError(
      operation,
      path,
      'ENAMETOOLONG',
      `the ${abstract ? 'abstract name' : 'path'} is ${bytes} bytes long (UTF-8), ` +
        `more than the ${max} a Unix socket address holds here`,
    )
  }
}

/**
 * Checks the `path` option of a Unix server or connection.
 * @throws TypeError or RangeError for a value that is no path; `UnixSocketError` with code
 *   `ENAMETOOLONG` for a path longer than a socket address holds.
 */
export function checkUnixPath(
  option: string,
  value: unknown,
  operation: NetworkOperation,
): UnixPath {
  if (process.platform === 'win32') {
    throw new RangeError(
      'Unix domain sockets are not supported on Windows (Node opens a named pipe for a path there)',
    )
  }
  if (typeof value !== 'string') {
    throw new TypeError(
      `option ${option} must be a string, got ${value == null ? String(value) : typeof value}`,
    )
  }
  const abstract = value.startsWith('\0')
  if (value === '' || value === '\0') {
    throw new RangeError(`option ${option} must be a socket path or an abstract name, got ""`)
  }
  if (abstract && !ABSTRACT_NAMES) {
    throw new RangeError(
      `option ${option}: abstract socket names ('\\0name') exist only on Linux, ` +
        `not on ${process.platform}`,
    )
  }
  // The kernel reads a file path up to its first NUL: the rest would be silently dropped.
  if (!abstract && value.includes('\0')) {
    throw new RangeError(
      `option ${option} must not contain NUL characters, got ${JSON.stringify(value)}`,
    )
  }
  checkUnixPathLength(operation, value, abstract)
  return { path: value, abstract }
}
