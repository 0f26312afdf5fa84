import { describeDatagramCompliance, type DatagramHarness } from '@wirekit/transport-compliance'
import { closeAll, LOOPBACKS, open } from './helpers.ts'

/**
 * A server bound to the loopback address on port 0, and a client bound to the same address,
 * connected to the server or not. Disposing aborts every endpoint opened and awaits their sockets'
 * close.
 */
function udpHarness(host: string): DatagramHarness {
  return {
    name: `udp ${host}`,
    open: async ({ client, server, connected, clientOptions = {}, serverOptions = {} }) => {
      const serverEnd = await open(server, {
        ...serverOptions,
        localAddress: { address: host, port: 0 },
      })
      const serverAddress = serverEnd.transport.getExtraInfo('sockname')
      await open(client, {
        ...clientOptions,
        localAddress: { address: host },
        ...(connected && serverAddress !== undefined ? { remoteAddress: serverAddress } : {}),
      })
      return { dispose: closeAll }
    },
  }
}

for (const host of LOOPBACKS) {
  describeDatagramCompliance(udpHarness(host))
}
