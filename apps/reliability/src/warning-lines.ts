import { WARNING_LINE } from './servers/control.ts'

/** A warning a driven server printed (see `servers/control.ts`), on the server's own clock. */
export interface StampedWarning {
  /** Milliseconds since the server started, when it printed the line. */
  readonly at: number
  readonly message: string
  /** The failures the line says were held back since the previous one (`and N more`). */
  readonly heldBack: number
}

const HELD_BACK = /\(and (\d+) more since the last report\)$/

/** The warnings among `lines` whose message matches `pattern`. */
export function stampedWarnings(lines: readonly string[], pattern: RegExp): StampedWarning[] {
  return lines.flatMap((line) => {
    const match = WARNING_LINE.exec(line)
    if (match?.[1] == null || match[2] == null || !pattern.test(match[2])) {
      return []
    }
    const held = HELD_BACK.exec(match[2])
    return [{ at: Number(match[1]), message: match[2], heldBack: Number(held?.[1] ?? 0) }]
  })
}

/** A verdict on whether a flood of failures was reported rate-limited. */
export interface RateLimitVerdict {
  readonly ok: boolean
  readonly detail: string
}

/**
 * Judges that `failures` events were reported by at most one line per `intervalMs` (on the
 * server's clock), at least one line when there were any, and that the lines account for no more
 * events than there were (the last ones held back are told by the next line, if any comes).
 */
export function judgeRateLimit(
  warnings: readonly StampedWarning[],
  failures: number,
  intervalMs: number,
): RateLimitVerdict {
  const gaps = warnings.slice(1).map((warning, index) => warning.at - (warnings[index]?.at ?? 0))
  const tooClose = gaps.filter((gap) => gap < intervalMs).length
  const told = warnings.reduce((total, warning) => total + 1 + warning.heldBack, 0)
  const span = warnings.length < 2 ? 0 : (warnings.at(-1)?.at ?? 0) - (warnings[0]?.at ?? 0)
  return {
    ok: (failures === 0 || warnings.length >= 1) && tooClose === 0 && told <= failures,
    detail:
      `${warnings.length} line(s) for ${failures} failures over ${(span / 1000).toFixed(1)} s ` +
      `(gaps ${
        gaps
          .slice(0, 5)
          .map((gap) => `${(gap / 1000).toFixed(1)} s`)
          .join(', ') || 'none'
      }${gaps.length > 5 ? ', ...' : ''}; ` +
      `${tooClose} under ${intervalMs / 1000} s); the lines account for ${told}` +
      (warnings[0] == null ? '' : `; first: ${warnings[0].message}`),
  }
}
