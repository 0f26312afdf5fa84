/** What to do with a frame longer than the maximum. */
export type OverflowPolicy = 'close' | 'discard'

/** Throws a RangeError unless `value` is an integer in `[min, max]`. */
export function checkInteger(name: string, value: number, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `${name} must be an integer from ${String(min)} to ${String(max)}, got ${String(value)}`,
    )
  }
  return value
}

/** Throws unless `value` is `'close'` or `'discard'`. */
export function checkPolicy(value: unknown): OverflowPolicy {
  if (value !== 'close' && value !== 'discard') {
    throw new TypeError(`onTooLong must be 'close' or 'discard', got ${String(value)}`)
  }
  return value
}
