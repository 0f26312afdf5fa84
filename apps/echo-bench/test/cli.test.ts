import { testCertificatePath } from '@wirekit/test-certificates'
import { describe, expect, it } from 'vitest'
import { parseBenchArgs } from '../src/cli.ts'

function load(args: readonly string[]) {
  const config = parseBenchArgs(args)
  if (config.help) {
    throw new Error('not a load')
  }
  return config.load
}

describe('parseBenchArgs', () => {
  it('runs the echo loop in plaintext by default', () => {
    expect(load(['--port', '9'])).toMatchObject({
      host: '127.0.0.1',
      port: 9,
      mode: 'echo',
      size: 1024,
      tlsCa: undefined,
      proxyHeader: undefined,
    })
    expect(parseBenchArgs(['--help'])).toEqual({ help: true })
  })

  it('--tls trusts the test CA unless --tls-ca names another', () => {
    expect(load(['--port', '9', '--tls']).tlsCa).toBe(testCertificatePath('ca', 'cert'))
    expect(load(['--port', '9', '--tls', '--tls-ca', '/x/ca.pem']).tlsCa).toBe('/x/ca.pem')
    expect(load(['--unix', '/tmp/s', '--tls', '--reconnect'])).toMatchObject({
      path: '/tmp/s',
      mode: 'reconnect',
    })
  })

  it('--udp is the datagram mode, with a window and a loss timeout', () => {
    expect(load(['--port', '9', '--udp', '--size', '64'])).toMatchObject({
      mode: 'datagram',
      window: 4,
      lossTimeout: 1,
    })
    expect(load(['--port', '9', '--udp', '--window', '16', '--loss-timeout', '0.5'])).toMatchObject(
      { window: 16, lossTimeout: 0.5 },
    )
  })

  it('--reconnect with --proxy-header v1 or v2', () => {
    expect(load(['--port', '9', '--reconnect', '--proxy-header', 'v1'])).toMatchObject({
      mode: 'reconnect',
      proxyHeader: 1,
    })
    expect(load(['--port', '9', '--proxy-header', 'v2'])).toMatchObject({
      mode: 'echo',
      proxyHeader: 2,
    })
  })

  it.each([
    [['--port', '9', '--udp', '--tls'], '--udp cannot be combined with --tls'],
    [['--unix', '/s', '--udp'], '--udp cannot be combined with --unix'],
    [['--port', '9', '--udp', '--reconnect'], '--udp cannot be combined with --reconnect'],
    [
      ['--port', '9', '--tls', '--proxy-header', 'v1'],
      '--proxy-header cannot be combined with --tls: the header is for TCP connections in plaintext',
    ],
    [['--port', '9', '--tls-ca', '/x'], '--tls-ca needs --tls'],
    [['--port', '9', '--window', '3'], '--window needs --udp'],
    [['--port', '9', '--loss-timeout', '1'], '--loss-timeout needs --udp'],
    [['--port', '9', '--proxy-header', 'v3'], '--proxy-header must be v1 or v2, got "v3"'],
    [
      ['--port', '9', '--udp', '--size', '7'],
      '--size must be at least 8 with --udp (each datagram carries its number)',
    ],
    [['--port', '9', '--udp', '--loss-timeout', '0'], /^--loss-timeout must be/],
    [['--unix', '/s', '--port', '9'], '--unix cannot be combined with --host or --port'],
    [['--unix', ''], '--unix needs a socket path'],
  ])('refuses %j', (args, message) => {
    expect(() => parseBenchArgs(args)).toThrow(message)
  })
})
