/** Option checks that fail with a `TypeError` or `RangeError` naming the option and the value. */

function show(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value)
  }
  if (typeof value === 'bigint') {
    return `${value.toString()}n`
  }
  return typeof value === 'object' && value != null ? 'an object' : String(value)
}

function expectNumber(option: string, value: unknown): asserts value is number {
  if (typeof value !== 'number') {
    throw new TypeError(`option ${option} must be a number, got ${show(value)}`)
  }
}

/** A TCP port: an integer from 0 (only where `allowZero`) or 1 to 65535. */
export function checkPort(option: string, value: unknown, allowZero: boolean): number {
  expectNumber(option, value)
  const min = allowZero ? 0 : 1
  if (!Number.isInteger(value) || value < min || value > 65535) {
    throw new RangeError(
      `option ${option} must be an integer from ${min} to 65535, got ${show(value)}`,
    )
  }
  return value
}

/** A host name or address: a non-empty string without spaces or control characters. */
export function checkHost(option: string, value: unknown): string {
  if (typeof value !== 'string') {
    throw new TypeError(`option ${option} must be a string, got ${show(value)}`)
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (value === '' || /[\s\u0000-\u001f\u007f]/.test(value)) {
    throw new RangeError(`option ${option} must be a host name or address, got ${show(value)}`)
  }
  return value
}

/** A finite number of milliseconds, 0 or more. */
export function checkDuration(option: string, value: unknown): number | undefined {
  if (value === undefined) {
    return undefined
  }
  expectNumber(option, value)
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`option ${option} must be a finite number >= 0, got ${show(value)}`)
  }
  return value
}

/** A count: a positive integer, or `Infinity` where `allowInfinity`. */
export function checkCount(
  option: string,
  value: unknown,
  allowInfinity: boolean,
): number | undefined {
  if (value === undefined) {
    return undefined
  }
  expectNumber(option, value)
  const valid = Number.isSafeInteger(value) ? value > 0 : allowInfinity && value === Infinity
  if (!valid) {
    throw new RangeError(`option ${option} must be a positive integer, got ${show(value)}`)
  }
  return value
}

/** An optional boolean. */
export function checkBoolean(option: string, value: unknown): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new TypeError(`option ${option} must be a boolean, got ${show(value)}`)
  }
  return value
}

/** An optional function. */
export function checkFunction<TFunction>(
  option: string,
  value: TFunction | undefined,
): TFunction | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(`option ${option} must be a function, got ${show(value)}`)
  }
  return value
}

/** An optional AbortSignal. */
export function checkSignal(option: string, value: unknown): AbortSignal | undefined {
  if (value !== undefined && !(value instanceof AbortSignal)) {
    throw new TypeError(`option ${option} must be an AbortSignal, got ${show(value)}`)
  }
  return value
}
