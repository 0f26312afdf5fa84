import { resolveWriteBufferLimits } from '@wirekit/protocol-core'
import type { MemoryEndOptions, MemoryPairOptions } from './options.ts'

function checkCount(option: string, value: unknown, min: number, allowInfinity: boolean): void {
  if (value === undefined) {
    return
  }
  if (typeof value !== 'number') {
    throw new TypeError(`option ${option} must be a number, got ${typeof value}`)
  }
  const valid = Number.isSafeInteger(value) ? value >= min : allowInfinity && value === Infinity
  if (!valid) {
    throw new RangeError(`option ${option} must be an integer >= ${min}, got ${String(value)}`)
  }
}

function checkFunction(option: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(`option ${option} must be a function, got ${typeof value}`)
  }
}

function checkEndOptions(prefix: string, options: MemoryEndOptions | undefined): void {
  if (options === undefined) {
    return
  }
  // Typed as an object, but JavaScript callers can pass anything.
  if (typeof options !== 'object' || (options as unknown) == null) {
    throw new TypeError(`option ${prefix.slice(0, -1)} must be an object, got ${typeof options}`)
  }
  resolveWriteBufferLimits(options.writeBufferLimits)
  checkFunction(`${prefix}onError`, options.onError)
  checkFunction(`${prefix}onWarning`, options.onWarning)
}

/** Refuses invalid options with a `TypeError` or `RangeError` naming the option and the value. */
export function checkOptions(options: MemoryPairOptions): void {
  checkEndOptions('', options)
  checkEndOptions('client.', options.client)
  checkEndOptions('server.', options.server)
  if (options.autoPump !== undefined && typeof options.autoPump !== 'boolean') {
    throw new TypeError(`option autoPump must be a boolean, got ${typeof options.autoPump}`)
  }
  if (options.rechunk !== undefined) {
    checkCount('rechunk.seed', options.rechunk.seed, Number.MIN_SAFE_INTEGER, false)
    checkCount('rechunk.maxChunkSize', options.rechunk.maxChunkSize, 1, false)
  }
  checkCount('maxBytesPerStep', options.maxBytesPerStep, 1, true)
  checkCount('resetAfterBytes', options.resetAfterBytes, 0, false)
  if (options.earlyEof !== undefined) {
    const { to, afterBytes } = options.earlyEof as { to: unknown; afterBytes: unknown }
    if (to !== 'client' && to !== 'server') {
      throw new RangeError(`option earlyEof.to must be 'client' or 'server', got ${String(to)}`)
    }
    checkCount('earlyEof.afterBytes', afterBytes, 0, false)
  }
}
