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
      unixPath: undefined,
      udp: undefined,
      tls: undefined,
      logLevel: 'debug',
      timeoutSeconds: undefined,
      messages: SEED_MESSAGES,
    })
  })

  it('takes --tls with its files and name', () => {
    expect(parseClientArgs(['--tls']).tls).toEqual({
      caPath: undefined,
      servername: undefined,
      certPath: undefined,
      keyPath: undefined,
    })
    expect(
      parseClientArgs([
        '--tls',
        '--tls-ca',
        'ca.pem',
        '--tls-servername',
        'echo.example',
        '--tls-cert=c.pem',
        '--tls-key=k.pem',
      ]).tls,
    ).toEqual({ caPath: 'ca.pem', servername: 'echo.example', certPath: 'c.pem', keyPath: 'k.pem' })
  })

  it('takes --udp: --timeout is then the wait for each echo (1 s by default), --retries 2', () => {
    expect(parseClientArgs(['--udp']).udp).toEqual({ waitSeconds: 1, retries: 2 })
    const config = parseClientArgs(['--udp', '--timeout', '0.25', '--retries', '0', 'a'])
    expect(config.udp).toEqual({ waitSeconds: 0.25, retries: 0 })
    expect(config.messages).toEqual(['a'])
  })

  it.each([
    [['--tls-ca', 'ca.pem'], '--tls-ca needs --tls'],
    [['--tls-servername', 'x'], '--tls-servername needs --tls'],
    [['--tls', '--tls-cert', 'c.pem'], '--tls-cert needs --tls-key'],
    [['--tls', '--tls-key', 'k.pem'], '--tls-key needs --tls-cert'],
    [['--tls', '--tls-ca', ''], '--tls-ca needs a file'],
    [
      ['--tls', '--tls-servername', '127.0.0.1'],
      '--tls-servername must be a host name (SNI carries no IP address; the certificate is checked against --host), got "127.0.0.1"',
    ],
    [
      ['--tls', '--tls-servername', 'a b'],
      '--tls-servername must be a host name or an IP address, got "a b"',
    ],
    [['--tls', '--unix', '/tmp/x'], '--tls cannot be combined with --unix: TLS is spoken over TCP'],
    [['--udp', '--tls'], '--udp cannot be combined with --tls: there is no DTLS'],
    [['--udp', '--unix', '/tmp/x'], '--udp cannot be combined with --unix'],
    [
      ['--udp', '--stdin'],
      '--udp cannot be combined with --stdin: a stream has no datagram boundaries',
    ],
    [
      ['--udp', '-'],
      "--udp cannot be combined with '-' (standard input): a stream has no datagram boundaries",
    ],
    [['--retries', '1'], '--retries needs --udp'],
    [['--udp', '--retries', '101'], '--retries must be a whole number from 0 to 100, got "101"'],
    [['--udp', '--retries', '1.5'], '--retries must be a whole number from 0 to 100, got "1.5"'],
    [['--unix', '/tmp/x', '--port', '1'], '--unix cannot be combined with --port'],
  ])('refuses %j with %j', (args, message) => {
    expect(() => parseClientArgs(args)).toThrow(new UsageError(message))
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
