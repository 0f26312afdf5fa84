import { describe, expect, it } from 'vitest'
import { UsageError } from '@wirekit/app-support'
import { parseServerArgs } from '../src/cli.ts'

describe('parseServerArgs', () => {
  it('defaults to the seed: localhost, port 10000, debug logging', () => {
    expect(parseServerArgs([])).toEqual({
      help: false,
      version: false,
      host: 'localhost',
      port: 10000,
      logLevel: 'debug',
      maxConnections: undefined,
      idleTimeoutSeconds: undefined,
      shutdownTimeoutSeconds: 5,
    })
  })

  it('takes every flag', () => {
    expect(
      parseServerArgs([
        '--host',
        '::1',
        '--port',
        '0',
        '--log-level',
        'warn',
        '--max-connections',
        '100',
        '--idle-timeout',
        '2.5',
        '--shutdown-timeout',
        '0',
      ]),
    ).toEqual({
      help: false,
      version: false,
      host: '::1',
      port: 0,
      logLevel: 'warn',
      maxConnections: 100,
      idleTimeoutSeconds: 2.5,
      shutdownTimeoutSeconds: 0,
    })
  })

  it('takes --version and --help', () => {
    expect(parseServerArgs(['--version']).version).toBe(true)
    expect(parseServerArgs(['-h']).help).toBe(true)
  })

  it.each([
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
    [['--host', 'bad host']],
    [['--host', '-x']],
    [['--port']],
    [['--bogus']],
    [['extra']],
    [['--log-level', 'loud']],
    [['--max-connections', '0']],
    [['--idle-timeout', '-3']],
    [['--shutdown-timeout', 'soon']],
  ])('refuses %j with a UsageError', (args) => {
    expect(() => parseServerArgs(args)).toThrow(UsageError)
  })
})
