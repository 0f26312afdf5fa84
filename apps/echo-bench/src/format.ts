/** How the report and the chart write figures. */

/** `1 KiB`, `100 KiB`, `1000 B` */
export const sizeLabel = (size: number): string =>
  size % 1024 === 0 ? `${size / 1024} KiB` : `${size} B`

/** `118620` */
export const whole = (value: number): string => value.toFixed(0)

/** Microseconds: `9.2` */
export const micros = (value: number): string => value.toFixed(1)

/** `0.93x` */
export const times = (value: number): string => `${value.toFixed(2)}x`

/** The share of datagrams lost: `0.012%` */
export const lossPercent = (counts: { readonly sent: number; readonly lost: number }): string =>
  `${counts.sent === 0 ? '0' : ((counts.lost / counts.sent) * 100).toPrecision(2)}%`
