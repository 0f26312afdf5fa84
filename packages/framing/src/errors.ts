/**
 * A frame (a line or a length-prefixed body) longer than the configured maximum.
 * @example
 * ```ts
 * if (error instanceof FrameTooLongError) console.log(error.code, error.length, error.maxLength)
 * ```
 */
export class FrameTooLongError extends Error {
  static override readonly name = 'FrameTooLongError'
  /** A stable code to test against, in Node's style. */
  readonly code = 'ERR_FRAME_TOO_LONG'
  /** The length seen so far (at least `maxLength + 1`), or the announced length of a prefixed frame. */
  readonly length: number
  /** The configured maximum. */
  readonly maxLength: number

  /**
   * @param length - The length seen or announced.
   * @param maxLength - The configured maximum.
   */
  constructor(length: number, maxLength: number) {
    super(`frame of ${String(length)} bytes exceeds the maximum of ${String(maxLength)}`)
    this.name = 'FrameTooLongError'
    this.length = length
    this.maxLength = maxLength
  }
}
