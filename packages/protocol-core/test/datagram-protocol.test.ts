import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  DatagramProtocol,
  datagramTransportSymbol,
  isDatagramTransport,
  isTransport,
  transportSymbol,
  type DatagramProtocolCallbacks,
  type DatagramTransport,
} from '../src/index.ts'

describe('DatagramProtocol', () => {
  it('has no-op callbacks and keeps its transport', () => {
    const protocol = new DatagramProtocol()
    const transport = { [datagramTransportSymbol]: true } as unknown as DatagramTransport
    protocol.connectionMade(transport)
    expect(protocol.transport).toBe(transport)
    expect(() => {
      protocol.datagramReceived(new Uint8Array(0), { address: '::1', family: 'IPv6', port: 1 })
      protocol.errorReceived(new Error('ECONNREFUSED'))
      protocol.pauseWriting()
      protocol.resumeWriting()
      protocol.connectionLost(undefined)
    }).not.toThrow()
    expectTypeOf(protocol).toExtend<DatagramProtocolCallbacks>()
  })

  it('turns a misspelt callback into a compile error', () => {
    class Echo extends DatagramProtocol {
      // @ts-expect-error -- 'datagramRecieved' is not a callback of DatagramProtocol
      override datagramRecieved(): void {
        // never called: the point is that this does not compile
      }
    }
    expect(new Echo()).toBeInstanceOf(DatagramProtocol)
  })
})

describe('isDatagramTransport', () => {
  it('recognises the brand, shared across copies through Symbol.for', () => {
    expect(datagramTransportSymbol).toBe(Symbol.for('@wirekit/datagram-transport'))
    expect(isDatagramTransport({ [Symbol.for('@wirekit/datagram-transport')]: true })).toBe(true)
  })

  it('tells datagram transports and stream transports apart', () => {
    const stream = { [transportSymbol]: true }
    const datagram = { [datagramTransportSymbol]: true }
    expect(isDatagramTransport(stream)).toBe(false)
    expect(isTransport(datagram)).toBe(false)
    for (const value of [undefined, null, 1, 'x', {}, { [datagramTransportSymbol]: 'yes' }]) {
      expect(isDatagramTransport(value)).toBe(false)
    }
  })
})
