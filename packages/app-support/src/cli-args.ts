import { isIP } from 'node:net'
import { LOG_LEVELS, type LogLevel } from './logger.ts'

/** A command line that cannot be run: the app prints the message and its usage and exits 2. */
export class UsageError extends Error {
  static override readonly name = 'UsageError'

  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

function shown(value: string): string {
  return JSON.stringify(value)
}

/** A port given on the command line: digits only, 1 to 65535 (0 too where `allowZero`). */
export function parsePort(option: string, value: string, allowZero: boolean): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN
  const min = allowZero ? 0 : 1
  if (!(port >= min && port <= 65535)) {
    throw new UsageError(
      `${option} must be a port number from ${min} to 65535, got ${shown(value)}`,
    )
  }
  return port
}

const HOST_NAME =
  /^(?=.{1,253}\.?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i

/** A host: an IPv4 or IPv6 address or a well-formed host name. */
export function parseHost(option: string, value: string): string {
  if (isIP(value) === 0 && !HOST_NAME.test(value)) {
    throw new UsageError(`${option} must be a host name or an IP address, got ${shown(value)}`)
  }
  return value
}

/** A duration in seconds, such as `2` or `0.5`; `allowZero` accepts 0. */
export function parseSeconds(option: string, value: string, allowZero: boolean): number {
  const seconds = /^\d{1,9}(\.\d{1,9})?$/.test(value) ? Number(value) : Number.NaN
  if (!(allowZero ? seconds >= 0 : seconds > 0)) {
    const what = allowZero ? 'a number of seconds >= 0' : 'a number of seconds > 0'
    throw new UsageError(`${option} must be ${what}, got ${shown(value)}`)
  }
  return seconds
}

/** A count: a whole number from 1 to 2^31 - 1. */
export function parseCount(option: string, value: string): number {
  const count = /^\d{1,10}$/.test(value) ? Number(value) : Number.NaN
  if (!(count >= 1 && count <= 2 ** 31 - 1)) {
    throw new UsageError(
      `${option} must be a whole number from 1 to ${2 ** 31 - 1}, got ${shown(value)}`,
    )
  }
  return count
}

/** One of the log levels. */
export function parseLogLevel(option: string, value: string): LogLevel {
  const level = LOG_LEVELS.find((candidate) => candidate === value)
  if (level === undefined) {
    throw new UsageError(`${option} must be one of ${LOG_LEVELS.join(', ')}, got ${shown(value)}`)
  }
  return level
}

/** A file given on the command line: any path but an empty one (the file is read later). */
export function parseFilePath(option: string, value: string): string {
  if (value === '') {
    throw new UsageError(`${option} needs a file`)
  }
  return value
}

/**
 * A Unix socket path given on the command line: `@NAME` stands for the Linux abstract name
 * `'\0NAME'`, as `ss` shows it.
 */
export function parseUnixPath(option: string, value: string): string {
  if (value === '' || value === '@') {
    throw new UsageError(`${option} needs a socket path or @NAME`)
  }
  return value.startsWith('@') ? `\0${value.slice(1)}` : value
}
