/**
 * Resolves `true` once `condition` holds, `false` after `timeoutMs`; checks every `intervalMs`.
 * For states no event announces (a count in another process, the kernel's socket table).
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  intervalMs = 50,
): Promise<boolean> {
  const deadline = performance.now() + timeoutMs
  while (!(await condition())) {
    if (performance.now() >= deadline) {
      return false
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
  return true
}
