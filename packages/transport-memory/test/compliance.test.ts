import { describeTransportCompliance, type TransportHarness } from '@wirekit/transport-compliance'
import { createMemoryPair } from '../src/index.ts'

/** Memory pairs in auto-pump mode: the suite awaits callbacks and never steps by hand. */
const memoryHarness: TransportHarness = {
  name: 'memory',
  connect: ({ client, server, clientOptions, serverOptions }) => {
    const pair = createMemoryPair(client, server, {
      autoPump: true,
      ...(clientOptions === undefined ? {} : { client: clientOptions }),
      ...(serverOptions === undefined ? {} : { server: serverOptions }),
    })
    return Promise.resolve({
      reset: () => {
        pair.reset()
      },
      dispose: () => {
        pair.dispose()
        return Promise.resolve()
      },
    })
  },
}

describeTransportCompliance(memoryHarness)
