/**
 * The start-up choice, once per process, between a fast path built on Node internals (reads into
 * the transport's memory, writes straight to the descriptor) and Node's public fallback. Reads and
 * writes choose the same way: an environment variable can ask for the fallback; otherwise the
 * internals must exist and a loopback self-test must pass, else the fallback is used with the
 * reason, and servers say it once.
 */

/** The public fallback, and why it is used. */
export interface Fallback<Kind extends string> {
  readonly kind: Kind
  /** Why the fast path is not used. */
  readonly reason: string
  /** `true` when the environment variable asked for the fallback: nothing to warn about. */
  readonly asked: boolean
}

/** One fast path and its fallback, as {@link detectFastPath} checks them. */
export interface FastPathCheck<Kind extends string, Fast> {
  /** The fallback's kind, which is also the value of `variable` that asks for it. */
  readonly fallback: Kind
  /** The environment variable that chooses the fallback (`WIREKIT_TCP_READS`). */
  readonly variable: string
  /** Why this Node lacks the internals the fast path needs, or `undefined` when it has them. */
  readonly missing: string | undefined
  /** The loopback round trip: the fast path when it passed, `undefined` when it failed. */
  readonly selfTest: () => Promise<Fast | undefined>
  /** What the round trip does, for the reason when it fails ("a loopback read into a user buffer"). */
  readonly roundTrip: string
  /** The self-test's name, for the reason when it throws ("the user-buffer self-test"). */
  readonly name: string
}

/** Chooses between the fast path and its fallback; never rejects. */
export async function detectFastPath<Kind extends string, Fast>(
  check: FastPathCheck<Kind, Fast>,
): Promise<Fast | Fallback<Kind>> {
  const { fallback: kind, variable } = check
  if (process.env[variable] === kind) {
    return { kind, reason: `${variable}=${kind}`, asked: true }
  }
  if (check.missing !== undefined) {
    return { kind, reason: check.missing, asked: false }
  }
  try {
    const fast = await check.selfTest()
    return (
      fast ?? { kind, reason: `${check.roundTrip} failed on Node ${process.version}`, asked: false }
    )
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return { kind, reason: `${check.name} threw: ${message}`, asked: false }
  }
}

/**
 * The line a server gives when the fallback is used without being asked for: `what` says what
 * the fallback does ("sockets write through Node's stream, a copy per write").
 */
export function fallbackWarning(
  fallback: Fallback<string>,
  variable: string,
  what: string,
): string | undefined {
  return fallback.asked
    ? undefined
    : `${what} (${fallback.reason}); ` +
        `set ${variable}=${fallback.kind} to choose this and silence the warning`
}
