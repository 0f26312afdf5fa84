import { describe, expect, it } from 'vitest'
import { UsageError } from '@wirekit/app-support'
import { parseClientArgs, SEED_MESSAGES } from '../src/cli.ts'

describe('parseClientArgs', () => {
  it("defaults to the seed's server and three messages", () => {
    expect(parseClientArgs([])).toEqual({
      help: false,
      version: false,
      host: 'localhost',
      port: 10000,
      logLevel: 'debug',
      timeoutSeconds: undefined,
      messages: SEED_MESSAGES,
    })
  })

  it('takes messages, --stdin or - for standard input, and a timeout', () => {
    expect(parseClientArgs(['a', 'b']).messages).toEqual(['a', 'b'])
    expect(parseClientArgs(['--stdin']).messages).toBeUndefined()
    expect(parseClientArgs(['-']).messages).toBeUndefined()
    expect(parseClientArgs(['--timeout', '1.5']).timeoutSeconds).toBe(1.5)
    expect(parseClientArgs(['--version']).version).toBe(true)
  })

  it.each([
    [['--port', '0']],
    [['--port', '-1']],
    [['--port', '65536']],
    [['--port', '99999']],
    [['--port', 'abc']],
    [['--port', '']],
    [['--port', ' ']],
    [['--port', '1.5']],
    [['--port', 'NaN']],
    [['--port', 'Infinity']],
    [['--port', '123456789012345678901234567890']],
    [['--host', '']],
    [['--host', 'a..b']],
    [['--timeout']],
    [['--timeout', '0']],
    [['--nope']],
    [['--stdin', 'message']],
    [['-', 'message']],
  ])('refuses %j with a UsageError', (args) => {
    expect(() => parseClientArgs(args)).toThrow(UsageError)
  })
})
