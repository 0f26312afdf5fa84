import { UsageError } from './cli-args.ts'

/** Options that cannot be given together: `option` with any of `others`, and why (`': ...'`). */
export interface OptionConflict<TOption extends string = string> {
  readonly option: TOption
  readonly others: readonly TOption[]
  readonly why?: string
}

/** An option that needs another: `option` given without `needs` is an error, and why. */
export interface OptionNeed<TOption extends string = string> {
  readonly option: TOption
  readonly needs: TOption
  readonly why?: string
}

/**
 * Checks which options were given together, before any value is used: the first conflict or
 * missing companion found is a {@link UsageError} naming both options, such as
 * `--udp cannot be combined with --tls: there is no DTLS` or `--tls-key needs --tls-cert`.
 * @param given - The long names of the options on the command line (`Object.keys(values)` of
 *   `parseArgs`).
 * @example
 * ```ts
 * checkOptionRules(new Set(Object.keys(values)), {
 *   conflicts: [{ option: 'udp', others: ['tls'], why: ': there is no DTLS' }],
 *   needs: [{ option: 'tls-key', needs: 'tls-cert' }],
 * })
 * ```
 */
export function checkOptionRules<TOption extends string>(
  given: ReadonlySet<string>,
  rules: {
    readonly conflicts?: readonly OptionConflict<TOption>[]
    readonly needs?: readonly OptionNeed<TOption>[]
  },
): void {
  for (const { option, others, why = '' } of rules.conflicts ?? []) {
    const other = others.find((name) => given.has(name))
    if (given.has(option) && other !== undefined) {
      throw new UsageError(`--${option} cannot be combined with --${other}${why}`)
    }
  }
  for (const { option, needs, why = '' } of rules.needs ?? []) {
    if (given.has(option) && !given.has(needs)) {
      throw new UsageError(`--${option} needs --${needs}${why}`)
    }
  }
}
