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
      unixPath: undefined,
      udp: false,
      tls: undefined,
      trustedProxies: undefined,
      logLevel: 'debug',
      maxConnections: undefined,
      idleTimeoutSeconds: undefined,
      shutdownTimeoutSeconds: 5,
      workers: 1,
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
        '--workers',
        '3',
      ]),
    ).toEqual({
      help: false,
      version: false,
      host: '::1',
      port: 0,
      unixPath: undefined,
      udp: false,
      tls: undefined,
      trustedProxies: undefined,
      logLevel: 'warn',
      maxConnections: 100,
      idleTimeoutSeconds: 2.5,
      shutdownTimeoutSeconds: 0,
      workers: 3,
    })
  })

  it('takes the TLS files, with or without client certificates', () => {
    expect(parseServerArgs(['--tls-cert', 'c.pem', '--tls-key', 'k.pem']).tls).toEqual({
      certPath: 'c.pem',
      keyPath: 'k.pem',
      caPath: undefined,
      requireClientCert: false,
    })
    expect(
      parseServerArgs([
        '--tls-key=k.pem',
        '--tls-cert=c.pem',
        '--tls-ca',
        'ca.pem',
        '--tls-require-client-cert',
      ]).tls,
    ).toEqual({ certPath: 'c.pem', keyPath: 'k.pem', caPath: 'ca.pem', requireClientCert: true })
  })

  it('takes --udp, and --proxy-protocol with every --trusted-proxy', () => {
    expect(parseServerArgs(['--udp', '--port', '0']).udp).toBe(true)
    expect(
      parseServerArgs([
        '--proxy-protocol',
        '--trusted-proxy',
        '127.0.0.1',
        '--trusted-proxy',
        '10.0.0.0/8',
        '--trusted-proxy=fd00::/8',
      ]).trustedProxies,
    ).toEqual([
      { address: '127.0.0.1', prefix: 32, family: 'ipv4' },
      { address: '10.0.0.0', prefix: 8, family: 'ipv4' },
      { address: 'fd00::', prefix: 8, family: 'ipv6' },
    ])
  })

  it.each([
    [['--tls-cert', 'c.pem'], '--tls-cert needs --tls-key'],
    [['--tls-key', 'k.pem'], '--tls-key needs --tls-cert'],
    [['--tls-cert', '', '--tls-key', 'k.pem'], '--tls-cert needs a file'],
    [
      ['--tls-cert', 'c', '--tls-key', 'k', '--tls-ca', 'ca'],
      '--tls-ca needs --tls-require-client-cert (the CA of client certificates)',
    ],
    [
      ['--tls-cert', 'c', '--tls-key', 'k', '--tls-require-client-cert'],
      '--tls-require-client-cert needs --tls-ca, the CA that signs the client certificates',
    ],
    [['--tls-ca', 'ca', '--tls-require-client-cert'], '--tls-ca needs --tls-cert'],
    [['--udp', '--unix', '/tmp/x'], '--udp cannot be combined with --unix'],
    [['--udp', '--tls-cert', 'c'], '--udp cannot be combined with --tls-cert: there is no DTLS'],
    [
      ['--udp', '--proxy-protocol'],
      '--udp cannot be combined with --proxy-protocol: the PROXY protocol is read on TCP connections',
    ],
    [
      ['--udp', '--idle-timeout', '1'],
      '--udp cannot be combined with --idle-timeout: UDP has no connections',
    ],
    [
      ['--unix', '/tmp/x', '--tls-key', 'k'],
      '--unix cannot be combined with --tls-key: TLS is served on TCP',
    ],
    [
      ['--unix', '/tmp/x', '--proxy-protocol'],
      '--unix cannot be combined with --proxy-protocol: the PROXY protocol is read on TCP connections',
    ],
    [
      ['--proxy-protocol'],
      '--proxy-protocol needs --trusted-proxy: the balancers allowed to send the header',
    ],
    [['--trusted-proxy', '127.0.0.1'], '--trusted-proxy needs --proxy-protocol'],
    [
      ['--proxy-protocol', '--trusted-proxy', 'localhost'],
      '--trusted-proxy must be an IP address or a CIDR range such as 10.0.0.0/8 or fd00::/8, got "localhost"',
    ],
    [['--udp=yes'], '--udp takes no value'],
  ])('refuses %j with %j', (args, message) => {
    expect(() => parseServerArgs(args)).toThrow(new UsageError(message))
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
