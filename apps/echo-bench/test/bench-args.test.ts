import { describe, expect, it } from 'vitest'
import { parsePlan } from '../src/bench-args.ts'

const DOCS = '/repo/docs/'

describe('parsePlan', () => {
  it('runs the full comparison into docs/ by default', () => {
    expect(parsePlan([], DOCS)).toMatchObject({
      rounds: 3,
      duration: 10,
      sizes: [1024, 10240, 102400],
      idle: 10000,
      nodes: [],
      out: DOCS,
      sections: ['tcp', 'unix', 'tls', 'udp', 'workers', 'proxy'],
      datagramSizes: [64, 1200],
      echoServer: undefined,
    })
  })

  it('--sections picks comparisons, run in their own order; --echo-server names the build', () => {
    expect(parsePlan(['--sections', 'proxy,tls,tls'], DOCS).sections).toEqual(['tls', 'proxy'])
    expect(parsePlan(['--smoke'], DOCS).datagramSizes).toEqual([64])
    expect(parsePlan(['--datagram-sizes', '8,65507'], DOCS).datagramSizes).toEqual([8, 65507])
    expect(parsePlan(['--echo-server', '/b/main.js'], DOCS).echoServer).toBe('/b/main.js')
  })

  it('--smoke is short and writes nothing, unless --out says where; explicit options win', () => {
    expect(parsePlan(['--', '--smoke'], DOCS)).toMatchObject({
      rounds: 1,
      duration: 0.5,
      warmup: 0.2,
      sizes: [1024],
      idle: 200,
      out: undefined,
    })
    expect(parsePlan(['--smoke', '--out', '/tmp/o', '--sizes', '1,2'], DOCS)).toMatchObject({
      sizes: [1, 2],
      out: '/tmp/o',
    })
  })

  it('takes --node more than once', () => {
    expect(parsePlan(['--node', '24', '--node', '/opt/node26/bin/node'], DOCS).nodes).toEqual([
      '24',
      '/opt/node26/bin/node',
    ])
  })

  it.each([
    [['--out', '/x', '--no-write'], '--out and --no-write cannot be used together'],
    [
      ['--from', 'r.json', '--node', '24'],
      '--from draws a saved run: --node has nothing to measure',
    ],
    [['--sizes', '1024,'], '--sizes must be a whole number from 1 to 2147483647, got ""'],
    [['--nodes', '24'], 'unknown option --nodes'],
    [
      ['--sections', 'tcp,quic'],
      '--sections takes tcp, unix, tls, udp, workers, proxy, got "quic"',
    ],
    [
      ['--datagram-sizes', '7'],
      '--datagram-sizes must be from 8 to 65507 bytes (a UDP datagram on IPv4)',
    ],
    [
      ['--from', 'r.json', '--sections', 'tcp'],
      '--from draws a saved run: --sections has nothing to measure',
    ],
  ])('refuses %j', (args, message) => {
    expect(() => parsePlan(args, DOCS)).toThrow(message)
  })
})
