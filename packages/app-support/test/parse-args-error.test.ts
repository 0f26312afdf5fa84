import { parseArgs } from 'node:util'
import { describe, expect, it } from 'vitest'
import { usageErrorFrom, UsageError } from '../src/index.ts'

const options = {
  port: { type: 'string' },
  host: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

/** What the apps print for `args`: parseArgs' error, turned into a UsageError. */
function messageFor(args: string[]): string {
  try {
    parseArgs({ args, options, strict: true, allowPositionals: false })
  } catch (error) {
    const usage = usageErrorFrom(error, args)
    expect(usage).toBeInstanceOf(UsageError)
    return usage.message
  }
  throw new Error(`parseArgs accepted ${JSON.stringify(args)}`)
}

describe('usageErrorFrom', () => {
  it.each([
    [['--bogus'], 'unknown option --bogus'],
    [['-x'], 'unknown option -x'],
    [['extra'], 'unexpected argument "extra": only options are taken'],
    [['--port'], '--port needs a value'],
    [['--help=yes'], '--help takes no value'],
    [
      ['--port', '-1'],
      '--port needs a value; "-1" looks like an option (write --port=-1 if it is the value)',
    ],
    [
      ['--host', '--port', '80'],
      '--host needs a value; "--port" looks like an option (write --host=--port if it is the value)',
    ],
  ])('words %j as one lower-case line naming the option', (args, line) => {
    const message = messageFor(args)
    expect(message).toBe(line)
    expect(message).not.toContain('\n')
  })

  it('keeps the first line of anything else', () => {
    expect(usageErrorFrom(new Error('first\nsecond')).message).toBe('first')
    expect(usageErrorFrom('plain').message).toBe('plain')
  })
})
