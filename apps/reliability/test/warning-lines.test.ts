import { describe, expect, it } from 'vitest'
import { judgeRateLimit, stampedWarnings } from '../src/warning-lines.ts'

const lines = [
  'main: starting up on 127.0.0.1 port 1234',
  'warning 1200 ms: TLS handshake with 127.0.0.1 port 5 failed: http request',
  'warning 1300 ms: refused a PROXY header from 127.0.0.1 port 6: not a trusted proxy',
  'warning 11250 ms: TLS handshake with 127.0.0.1 port 7 failed: unsupported protocol (and 41 more since the last report)',
]

describe('stamped warning lines', () => {
  it('reads the stamp, the message and the count held back, of the lines that match', () => {
    expect(stampedWarnings(lines, /TLS handshake/)).toEqual([
      {
        at: 1200,
        message: 'TLS handshake with 127.0.0.1 port 5 failed: http request',
        heldBack: 0,
      },
      {
        at: 11250,
        message:
          'TLS handshake with 127.0.0.1 port 7 failed: unsupported protocol (and 41 more since the last report)',
        heldBack: 41,
      },
    ])
  })

  it('passes lines at least an interval apart that account for no more failures than there were', () => {
    const warnings = stampedWarnings(lines, /TLS handshake/)
    expect(judgeRateLimit(warnings, 50, 10_000).ok).toBe(true)
    expect(judgeRateLimit(warnings, 40, 10_000).ok).toBe(false)
    expect(judgeRateLimit(warnings, 50, 20_000).ok).toBe(false)
    expect(judgeRateLimit([], 3, 10_000).ok).toBe(false)
    expect(judgeRateLimit([], 0, 10_000).ok).toBe(true)
  })
})
