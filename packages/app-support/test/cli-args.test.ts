import { describe, expect, it } from 'vitest'
import {
  parseCount,
  parseFilePath,
  parseHost,
  parseLogLevel,
  parsePort,
  parseSeconds,
  parseUnixPath,
  UsageError,
} from '../src/index.ts'

const thirtyDigits = '123456789012345678901234567890'

describe('parsePort', () => {
  it.each([
    '-1',
    '65536',
    '99999',
    'abc',
    '',
    ' ',
    '1.5',
    'NaN',
    'Infinity',
    thirtyDigits,
    '0x50',
    '1e3',
    '+80',
    ' 80',
  ])('refuses %j with a one-line UsageError', (value) => {
    expect(() => parsePort('--port', value, true)).toThrow(UsageError)
    expect(() => parsePort('--port', value, true)).toThrow(
      `--port must be a port number from 0 to 65535, got ${JSON.stringify(value)}`,
    )
  })

  it('accepts 0 only where allowed, and every port from 1 to 65535', () => {
    expect(parsePort('--port', '0', true)).toBe(0)
    expect(() => parsePort('--port', '0', false)).toThrow(
      '--port must be a port number from 1 to 65535, got "0"',
    )
    expect(parsePort('--port', '1', false)).toBe(1)
    expect(parsePort('--port', '10000', false)).toBe(10000)
    expect(parsePort('--port', '65535', false)).toBe(65535)
  })
})

describe('parseHost', () => {
  it.each([
    '',
    ' ',
    'exa mple',
    '-bad',
    'bad-',
    'a..b',
    '[::1]',
    'host\nname',
    'a'.repeat(64),
    'x_y',
    '::1::2',
  ])('refuses %j', (value) => {
    expect(() => parseHost('--host', value)).toThrow(UsageError)
  })

  it.each(['localhost', '127.0.0.1', '::1', '0.0.0.0', '::', 'example.com', 'a-b.c0'])(
    'accepts %j',
    (value) => {
      expect(parseHost('--host', value)).toBe(value)
    },
  )
})

describe('numbers and levels', () => {
  it('parses seconds, counts and log levels, refusing the rest', () => {
    expect(parseSeconds('--timeout', '2', false)).toBe(2)
    expect(parseSeconds('--timeout', '0.5', false)).toBe(0.5)
    expect(parseSeconds('--shutdown-timeout', '0', true)).toBe(0)
    for (const bad of ['0', '-1', 'abc', '', '1e3', 'Infinity']) {
      expect(() => parseSeconds('--timeout', bad, false)).toThrow(UsageError)
    }
    expect(parseCount('--max-connections', '100')).toBe(100)
    for (const bad of ['0', '-5', '1.5', thirtyDigits, '']) {
      expect(() => parseCount('--max-connections', bad)).toThrow(UsageError)
    }
    expect(parseLogLevel('--log-level', 'warn')).toBe('warn')
    expect(() => parseLogLevel('--log-level', 'verbose')).toThrow(
      '--log-level must be one of debug, info, warn, error, got "verbose"',
    )
  })
})

describe('parseFilePath', () => {
  it('takes any path but an empty one', () => {
    expect(parseFilePath('--tls-ca', 'ca.pem')).toBe('ca.pem')
    expect(parseFilePath('--tls-ca', '/a b/c.pem')).toBe('/a b/c.pem')
    expect(() => parseFilePath('--tls-ca', '')).toThrow(new UsageError('--tls-ca needs a file'))
  })
})

describe('parseUnixPath', () => {
  it('takes a path, and @NAME as the abstract name NUL NAME', () => {
    expect(parseUnixPath('--unix', '/tmp/echo.sock')).toBe('/tmp/echo.sock')
    expect(parseUnixPath('--unix', '@echo')).toBe('\0echo')
  })

  it.each(['', '@'])('refuses %j', (value) => {
    expect(() => parseUnixPath('--unix', value)).toThrow(
      new UsageError('--unix needs a socket path or @NAME'),
    )
  })
})
