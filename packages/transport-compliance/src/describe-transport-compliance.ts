import { afterEach, beforeEach, describe, expect } from 'vitest'
import type { TransportHarness } from './harness.ts'
import { ConnectionTracker } from './open-connection.ts'
import { describeBufferedProtocol } from './suites/buffered-protocol.ts'
import { describeCallOrder } from './suites/call-order.ts'
import { describeCallbackErrors } from './suites/callback-errors.ts'
import { describeClosing } from './suites/closing.ts'
import { describeEof } from './suites/eof.ts'
import { describeProtocolAndInfo } from './suites/protocol-and-info.ts'
import { describeReading } from './suites/reading.ts'
import { describeTransportErrors } from './suites/transport-errors.ts'
import { describeWaterMarks } from './suites/water-marks.ts'
import { describeWriting } from './suites/writing.ts'

/**
 * Registers the wirekit transport contract as a vitest `describe` suite run over `harness`: call
 * order, water marks, close/abort, EOF in both directions, what `write()` takes, callbacks that
 * throw, resets, reading control, the buffered receive path and a buffered protocol's life, extra info and `setProtocol`.
 *
 * After each test the suite disposes of every connection it opened and fails the test if any
 * recorder saw the callbacks out of order (see `RecordingProtocol`).
 *
 * @param harness - Makes connections over the transport under test.
 * @example
 * ```ts
 * // packages/transport-tcp/test/compliance.test.ts
 * import { describeTransportCompliance } from '@wirekit/transport-compliance'
 * describeTransportCompliance(tcpHarness)
 * ```
 */
export function describeTransportCompliance(harness: TransportHarness): void {
  describe(`transport compliance: ${harness.name}`, () => {
    const tracker = new ConnectionTracker(harness)

    beforeEach((context) => {
      const reason = harness.notApplicable?.[context.task.name]
      if (reason !== undefined) {
        context.skip(`not applicable to ${harness.name}: ${reason}`)
      }
    })

    afterEach(async () => {
      const violations = await tracker.finish()
      expect(violations, 'callback order violations').toEqual([])
    })

    describeCallOrder(tracker)
    describeWaterMarks(tracker)
    describeClosing(tracker)
    describeEof(tracker)
    describeWriting(tracker)
    describeCallbackErrors(tracker)
    describeTransportErrors(tracker)
    describeReading(tracker)
    describeBufferedProtocol(tracker)
    describeProtocolAndInfo(tracker, harness.addressForm ?? 'ip')
  })
}
