import { describe, expect, it } from 'vitest'
import {
  checkSendto,
  DATAGRAM_HEADER_SIZE,
  DatagramAddressError,
  describeAddress,
  droppedSendsWarning,
  isSameAddress,
  ProtocolCallbackError,
  reportCallbackError,
} from '../src/index.ts'

const peer = { address: '127.0.0.1', family: 'IPv4', port: 5000 }

describe('checkSendto', () => {
  it('refuses anything but a Uint8Array, naming sendto()', () => {
    expect(() => checkSendto('text', peer, undefined)).toThrow(
      new TypeError('sendto() takes a Uint8Array, got string'),
    )
  })

  it('unconnected: takes the address given, requires one', () => {
    const address = { address: '::1', port: 9 }
    expect(checkSendto(new Uint8Array(0), address, undefined)).toBe(address)
    for (const missing of [undefined, null]) {
      let thrown: unknown
      try {
        checkSendto(new Uint8Array(1), missing, undefined)
      } catch (error) {
        thrown = error
      }
      expect(thrown).toBeInstanceOf(DatagramAddressError)
      expect((thrown as DatagramAddressError).code).toBe('ERR_DATAGRAM_ADDRESS_REQUIRED')
      expect((thrown as DatagramAddressError).name).toBe('DatagramAddressError')
    }
  })

  it('connected: no address or the peer’s, nothing else', () => {
    expect(checkSendto(new Uint8Array(1), undefined, peer)).toBeUndefined()
    expect(checkSendto(new Uint8Array(1), { address: '127.0.0.1', port: 5000 }, peer)).toBe(
      undefined,
    )
    for (const other of [
      { address: '127.0.0.1', port: 5001 },
      { address: '127.0.0.2', port: 5000 },
      { address: 'localhost', port: 5000 },
    ]) {
      expect(() => checkSendto(new Uint8Array(1), other, peer)).toThrow(
        expect.objectContaining({
          code: 'ERR_DATAGRAM_ADDRESS_MISMATCH',
          message: `sendto() on a transport connected to 127.0.0.1 port 5000 cannot send to ${other.address} port ${other.port}`,
        }) as Error,
      )
    }
  })

  it.each([
    ['a string', '127.0.0.1:5000', TypeError],
    ['no address', { port: 5000 }, TypeError],
    ['an empty address', { address: '', port: 5000 }, TypeError],
    ['a string port', { address: '127.0.0.1', port: '5000' }, TypeError],
    ['port 0', { address: '127.0.0.1', port: 0 }, RangeError],
    ['port 65536', { address: '127.0.0.1', port: 65536 }, RangeError],
    ['a fractional port', { address: '127.0.0.1', port: 1.5 }, RangeError],
    ['a NaN port', { address: '127.0.0.1', port: NaN }, RangeError],
  ])('refuses %s as an address, connected or not', (_label, address, kind) => {
    expect(() => checkSendto(new Uint8Array(1), address, undefined)).toThrow(kind)
    expect(() => checkSendto(new Uint8Array(1), address, peer)).toThrow(kind)
  })
})

describe('addresses and counts', () => {
  it('describes and compares addresses as given', () => {
    expect(describeAddress(peer)).toBe('127.0.0.1 port 5000')
    expect(isSameAddress(peer, { address: '127.0.0.1', port: 5000 })).toBe(true)
    expect(isSameAddress(peer, { address: '127.0.0.1', port: 5001 })).toBe(false)
    expect(DATAGRAM_HEADER_SIZE).toBe(8)
  })

  it('warns once, at the fifth dropped datagram', () => {
    const warnings = [1, 2, 3, 4, 5, 6, 50].map((n) => droppedSendsWarning(n, 'memory port 1'))
    expect(warnings.filter((warning) => warning !== undefined)).toEqual([
      'sendto() called 5 times after the endpoint connected to memory port 1 was closed; the datagrams are dropped',
    ])
    expect(droppedSendsWarning(5, undefined)).toBe(
      'sendto() called 5 times after the endpoint was closed; the datagrams are dropped',
    )
  })

  it.each(['datagramReceived', 'errorReceived'] as const)(
    '%s errors end the endpoint, as the stream callbacks’ do',
    (callback) => {
      const reported: Error[] = []
      const fatal = reportCallbackError(callback, undefined, new Error('x'), (e) =>
        reported.push(e),
      )
      expect(fatal).toBeInstanceOf(ProtocolCallbackError)
      expect(reported).toEqual([fatal])
    },
  )
})
