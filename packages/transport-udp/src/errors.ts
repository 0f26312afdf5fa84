/**
 * An option this Node.js cannot honour, such as `reusePort` before Node.js 22.12: refused rather
 * than ignored, as asyncio refuses `reuse_port` where the platform lacks it.
 */
export class UnsupportedOptionError extends Error {
  static override readonly name = 'UnsupportedOptionError'
  /** A stable code to test against, in Node's style. */
  readonly code = 'ERR_UNSUPPORTED_OPTION'
  /** The option refused. */
  readonly option: string

  constructor(option: string, reason: string) {
    super(`option ${option} is not supported: ${reason}`)
    this.name = 'UnsupportedOptionError'
    this.option = option
  }
}
