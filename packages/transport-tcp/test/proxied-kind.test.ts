import { describe, expect, it } from 'vitest'
import { proxiedKind } from '../src/proxied-kind.ts'
import type { SocketKind } from '../src/socket-transport.ts'

/** A kind with getters on its class (the TCP kind's label is one): a spread would lose them. */
class LabelledKind implements SocketKind {
  readonly peername = { family: 'IPv4', address: '127.0.0.1', port: 50000 }
  readonly sockname = { family: 'IPv4', address: '127.0.0.1', port: 443 }
  readonly unsentBytes = (): number => 7

  get peer(): string {
    return `${this.peername.address} port ${String(this.peername.port)}`
  }

  // Getters on purpose, not fields: what a spread of the kind would lose.
  // eslint-disable-next-line @typescript-eslint/class-literal-property-style
  get probeResetAtEof(): boolean {
    return true
  }

  // eslint-disable-next-line @typescript-eslint/class-literal-property-style
  get closeTimeout(): number {
    return 1234
  }
}

describe('proxiedKind', () => {
  const source = { family: 'IPv4', address: '203.0.113.7', port: 40000 } as const
  const destination = { family: 'IPv4', address: '198.51.100.1', port: 443 } as const

  it('keeps every rule of the connection it wraps, getters included; addresses are the header’s', () => {
    const connection = new LabelledKind()
    const kind = proxiedKind(connection, {
      version: 2,
      command: 'proxy',
      protocol: 'tcp',
      source,
      destination,
      tlvs: [],
    } as unknown as Parameters<typeof proxiedKind>[1])
    expect(kind.probeResetAtEof).toBe(true)
    expect(kind.closeTimeout).toBe(1234)
    expect(kind.unsentBytes).toBe(connection.unsentBytes)
    expect(kind.peername).toEqual(source)
    expect(kind.sockname).toEqual(destination)
    expect(kind.peer).toBe('203.0.113.7 port 40000')
    expect(kind.extraInfo?.('proxyPeername')).toBe(connection.peername)
  })

  it('keeps the connection’s own label and addresses when the header has none (LOCAL)', () => {
    const connection = new LabelledKind()
    const kind = proxiedKind(connection, {
      version: 2,
      command: 'local',
      source: undefined,
      destination: undefined,
      tlvs: [],
    } as unknown as Parameters<typeof proxiedKind>[1])
    expect(kind.peer).toBe('127.0.0.1 port 50000')
    expect(kind.peername).toBe(connection.peername)
    expect(kind.probeResetAtEof).toBe(true)
  })
})
