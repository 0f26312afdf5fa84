import type { MemoryDatagramPairOptions } from './datagram-options.ts'
import { checkOptions } from './validate-options.ts'

function checkProbability(option: string, value: unknown): void {
  if (value === undefined) {
    return
  }
  if (typeof value !== 'number') {
    throw new TypeError(`option ${option} must be a number, got ${typeof value}`)
  }
  if (!(value >= 0 && value <= 1)) {
    throw new RangeError(`option ${option} must be from 0 to 1, got ${String(value)}`)
  }
}

function checkPositive(option: string, value: unknown, allowInfinity: boolean): void {
  if (value === undefined) {
    return
  }
  if (typeof value !== 'number') {
    throw new TypeError(`option ${option} must be a number, got ${typeof value}`)
  }
  const valid = Number.isSafeInteger(value) ? value >= 1 : allowInfinity && value === Infinity
  if (!valid) {
    throw new RangeError(`option ${option} must be an integer >= 1, got ${String(value)}`)
  }
}

/**
 * Refuses invalid options with a `TypeError` or `RangeError` naming the option and the value;
 * those shared with `createMemoryPair` follow its rules.
 */
export function checkDatagramOptions(options: MemoryDatagramPairOptions): void {
  // Typed as an object, but JavaScript callers can pass anything.
  if (typeof options !== 'object' || (options as unknown) == null) {
    throw new TypeError(`createMemoryDatagramPair() options must be an object`)
  }
  checkOptions(options)
  if (options.connected !== undefined && typeof options.connected !== 'boolean') {
    throw new TypeError(`option connected must be a boolean, got ${typeof options.connected}`)
  }
  checkPositive('maxDatagramSize', options.maxDatagramSize, false)
  checkPositive('maxDatagramsPerStep', options.maxDatagramsPerStep, true)
  const faults = options.faults as Record<string, unknown> | undefined
  if (faults === undefined) {
    return
  }
  if (typeof faults !== 'object' || (faults as unknown) == null) {
    throw new TypeError(`option faults must be an object, got ${typeof faults}`)
  }
  if (typeof faults.seed !== 'number' || !Number.isSafeInteger(faults.seed)) {
    throw new TypeError(`option faults.seed must be an integer, got ${String(faults.seed)}`)
  }
  checkProbability('faults.loss', faults.loss)
  checkProbability('faults.reorder', faults.reorder)
  checkProbability('faults.duplicate', faults.duplicate)
}
