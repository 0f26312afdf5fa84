/**
 * A command line that is well formed but names something that cannot be used: a file that is
 * missing or unreadable, not PEM, a key that does not match its certificate. The app prints the
 * message on one line (without its usage, which is not what is wrong) and exits 2, as for a
 * usage error, before it opens anything.
 */
export class ConfigError extends Error {
  static override readonly name = 'ConfigError'

  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'ConfigError'
  }
}
