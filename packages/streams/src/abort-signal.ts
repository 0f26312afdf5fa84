import { AbortError } from './errors.ts'

/**
 * Checks a `signal` option.
 * @returns The signal, or `undefined` when none was given.
 * @throws TypeError unless it is an `AbortSignal`.
 */
export function checkSignal(value: unknown): AbortSignal | undefined {
  if (value !== undefined && !(value instanceof AbortSignal)) {
    throw new TypeError(
      `option signal must be an AbortSignal, got ${value == null ? 'null' : typeof value}`,
    )
  }
  return value
}

/** The error an operation cancelled by `signal` rejects with: Node's shape, the reason as cause. */
export function abortError(signal: AbortSignal): AbortError {
  return new AbortError(undefined, { cause: signal.reason })
}

/** @throws {@link AbortError} when `signal` is already aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) {
    throw abortError(signal)
  }
}
