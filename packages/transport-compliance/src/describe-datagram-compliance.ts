import { afterEach, describe, expect } from 'vitest'
import { DatagramEndpointTracker } from './datagram-endpoints.ts'
import type { DatagramHarness } from './datagram-harness.ts'
import { describeDatagramAddresses } from './datagram-suites/addresses.ts'
import { describeDatagramCallOrder } from './datagram-suites/call-order.ts'
import { describeDatagramCallbackErrors } from './datagram-suites/callback-errors.ts'
import { describeDatagramClosing } from './datagram-suites/closing.ts'
import { describeDatagramSending } from './datagram-suites/sending.ts'
import { describeDatagramSocketErrors } from './datagram-suites/socket-errors.ts'
import { describeDatagramWaterMarks } from './datagram-suites/water-marks.ts'

/**
 * Registers the wirekit datagram transport contract as a vitest `describe` suite run over
 * `harness`: call order, whole and byte-exact datagrams (empty ones included) both ways,
 * addresses and the connected/unconnected rules of `sendto()`, `close()` that flushes and
 * `abort()` that drops, callbacks that throw, `errorReceived` that leaves the endpoint open, and
 * the queue's water marks.
 *
 * After each test the suite disposes of every endpoint it opened and fails the test if any
 * recorder saw the callbacks out of order (see `DatagramRecordingProtocol`).
 *
 * @param harness - Opens endpoints over the datagram transport under test.
 * @example
 * ```ts
 * // packages/transport-udp/test/compliance.test.ts
 * import { describeDatagramCompliance } from '@wirekit/transport-compliance'
 * describeDatagramCompliance(udpHarness('127.0.0.1'))
 * ```
 */
export function describeDatagramCompliance(harness: DatagramHarness): void {
  describe(`datagram transport compliance: ${harness.name}`, () => {
    const tracker = new DatagramEndpointTracker(harness)

    afterEach(async () => {
      const violations = await tracker.finish()
      expect(violations, 'callback order violations').toEqual([])
    })

    describeDatagramCallOrder(tracker)
    describeDatagramSending(tracker)
    describeDatagramAddresses(tracker)
    describeDatagramClosing(tracker)
    describeDatagramCallbackErrors(tracker)
    describeDatagramSocketErrors(tracker)
    describeDatagramWaterMarks(tracker)
  })
}
