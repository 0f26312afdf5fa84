import { expect } from 'vitest'
import type { DatagramTransport, TransportAddress } from '@wirekit/protocol-core'
import type { DatagramSide } from '../datagram-endpoints.ts'
import { DatagramRecordingProtocol } from '../datagram-recording-protocol.ts'

/** The endpoint's own address, which must be known. */
export function socknameOf(transport: DatagramTransport): TransportAddress {
  const address = transport.getExtraInfo('sockname')
  expect(address).toEqual({
    address: expect.any(String) as unknown,
    family: expect.any(String) as unknown,
    port: expect.any(Number) as unknown,
  })
  // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- checked just above
  return address!
}

/** A datagram of `size` bytes whose content tells it apart (byte i is `(seed + i) % 256`). */
export function datagram(size: number, seed: number = size): Uint8Array {
  const out = new Uint8Array(size)
  for (let i = 0; i < size; i += 1) {
    out[i] = (seed + i) % 256
  }
  return out
}

/** A recorder that sends back every datagram to its sender. */
export function echoRecorder(): DatagramRecordingProtocol {
  const protocol: DatagramRecordingProtocol = new DatagramRecordingProtocol({
    datagramReceived: (data, address) => {
      protocol.t.sendto(data, address)
    },
  })
  return protocol
}

/** Resolves once the side has received `count` datagrams in all. */
export function waitForDatagrams(side: DatagramSide, count: number): Promise<void> {
  return side.protocol.waitFor('datagramReceived', count)
}

/** Runs `action` and returns the `code` of what it threw (fails when it threw nothing). */
export function codeThrownBy(action: () => void): unknown {
  try {
    action()
  } catch (error) {
    return (error as { code?: unknown }).code
  }
  return expect.fail('expected an error')
}

/**
 * Asserts that `actual` holds exactly the `expected` datagrams, in order. Compares with
 * `Buffer.compare`: a deep `toEqual` of large arrays takes vitest seconds.
 */
export function expectDatagrams(
  actual: readonly Uint8Array[],
  expected: readonly Uint8Array[],
): void {
  expect(actual.map((data) => data.byteLength)).toEqual(expected.map((data) => data.byteLength))
  actual.forEach((data, i) => {
    const wanted = expected[i] ?? new Uint8Array(0)
    if (Buffer.compare(data, wanted) !== 0) {
      expect.fail(`datagram ${i} (${data.byteLength} bytes) differs from the one sent`)
    }
  })
}
