/** A linear axis from 0 with round ticks (1, 2 or 5 times a power of ten). */
export interface Scale {
  readonly max: number
  readonly ticks: readonly number[]
}

/** The axis for values up to `largest`, with about `count` ticks. */
export function niceScale(largest: number, count = 5): Scale {
  if (!(largest > 0)) {
    return { max: 1, ticks: [0, 1] }
  }
  const rough = largest / count
  const power = 10 ** Math.floor(Math.log10(rough))
  const step = ([1, 2, 5, 10].find((m) => m * power >= rough) ?? 10) * power
  const steps = Math.ceil(largest / step - 1e-9)
  const tick = (i: number): number => Number((i * step).toPrecision(12)) // 0.30000000000000004 -> 0.3
  return { max: tick(steps), ticks: Array.from({ length: steps + 1 }, (_, i) => tick(i)) }
}
