import { describeDatagramCompliance, type DatagramHarness } from '@wirekit/transport-compliance'
import { createMemoryDatagramPair } from '../src/index.ts'

/** Memory datagram pairs in auto-pump mode, without faults: the suite awaits callbacks. */
const memoryDatagramHarness: DatagramHarness = {
  name: 'memory datagram pair',
  open: ({ client, server, connected, clientOptions, serverOptions }) => {
    const pair = createMemoryDatagramPair(client, server, {
      autoPump: true,
      connected,
      ...(clientOptions === undefined ? {} : { client: clientOptions }),
      ...(serverOptions === undefined ? {} : { server: serverOptions }),
    })
    return Promise.resolve({
      dispose: () => {
        pair.dispose()
        return Promise.resolve()
      },
    })
  },
}

describeDatagramCompliance(memoryDatagramHarness)
