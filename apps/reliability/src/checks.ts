/** One verdict of a scenario: what was checked, whether it held, and the evidence. */
export interface Check {
  readonly name: string
  readonly ok: boolean
  readonly detail: string
}

/** What a scenario run gives back: its verdicts and the figures it measured. */
export interface ScenarioResult {
  readonly id: string
  readonly title: string
  /** The size it ran at, in words (for example `256 MiB`). */
  readonly size: string
  readonly ok: boolean
  readonly durationMs: number
  readonly checks: readonly Check[]
  /** Measured figures, by name (bytes, counts, milliseconds, MiB strings...). */
  readonly figures: Readonly<Record<string, string | number>>
}

/**
 * Collects the checks and figures of one scenario run.
 * @example
 * ```ts
 * const report = new Report('1', 'backpressure', '256 MiB')
 * report.check('echo is byte-exact', sentHash === receivedHash, `${sentHash} / ${receivedHash}`)
 * return report.finish()
 * ```
 */
export class Report {
  readonly #id: string
  readonly #title: string
  readonly #size: string
  readonly #started = performance.now()
  readonly #checks: Check[] = []
  readonly #figures: Record<string, string | number> = {}

  constructor(id: string, title: string, size: string) {
    this.#id = id
    this.#title = title
    this.#size = size
  }

  /** Records a verdict; returns `ok` so callers can branch on it. */
  check(name: string, ok: boolean, detail: string): boolean {
    this.#checks.push({ name, ok, detail })
    return ok
  }

  /** Records a measured figure. */
  figure(name: string, value: string | number): void {
    this.#figures[name] = value
  }

  /** Records a failure that stopped the scenario early (a timeout, an unexpected error). */
  fail(name: string, error: unknown): void {
    this.check(name, false, error instanceof Error ? error.message : String(error))
  }

  finish(): ScenarioResult {
    return {
      id: this.#id,
      title: this.#title,
      size: this.#size,
      ok: this.#checks.length > 0 && this.#checks.every((check) => check.ok),
      durationMs: Math.round(performance.now() - this.#started),
      checks: [...this.#checks],
      figures: { ...this.#figures },
    }
  }
}

/** The checks that failed, for assertions whose failure message shows the evidence. */
export function failedChecks(result: ScenarioResult): Check[] {
  return result.checks.filter((check) => !check.ok)
}
