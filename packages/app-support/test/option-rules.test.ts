import { describe, expect, it } from 'vitest'
import { checkOptionRules, UsageError } from '../src/index.ts'

const rules = {
  conflicts: [
    { option: 'udp', others: ['tls', 'unix'], why: ': there is no DTLS' },
    { option: 'unix', others: ['host', 'port'] },
  ],
  needs: [
    { option: 'tls-key', needs: 'tls-cert' },
    { option: 'trusted-proxy', needs: 'proxy-protocol', why: ': the balancers' },
  ],
}

function check(given: readonly string[]): void {
  checkOptionRules(new Set(given), rules)
}

describe('checkOptionRules', () => {
  it('lets compatible options through', () => {
    expect(() => check([])).not.toThrow()
    expect(() => check(['udp', 'host', 'port'])).not.toThrow()
    expect(() => check(['tls-key', 'tls-cert', 'tls'])).not.toThrow()
  })

  it('names the option and the first conflicting one given, with the reason', () => {
    expect(() => check(['udp', 'unix'])).toThrow(
      new UsageError('--udp cannot be combined with --unix: there is no DTLS'),
    )
    expect(() => check(['port', 'unix'])).toThrow(
      new UsageError('--unix cannot be combined with --port'),
    )
    expect(() => check(['unix', 'port', 'host'])).toThrow(
      new UsageError('--unix cannot be combined with --host'),
    )
  })

  it('names an option given without the one it needs', () => {
    expect(() => check(['tls-key'])).toThrow(new UsageError('--tls-key needs --tls-cert'))
    expect(() => check(['trusted-proxy'])).toThrow(
      new UsageError('--trusted-proxy needs --proxy-protocol: the balancers'),
    )
  })

  it('throws a UsageError, so that the app prints its usage and exits 2', () => {
    expect(() => check(['tls-key'])).toThrow(UsageError)
  })
})
