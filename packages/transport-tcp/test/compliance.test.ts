import type { AnyProtocol } from '@wirekit/protocol-core'
import { describeTransportCompliance, type TransportHarness } from '@wirekit/transport-compliance'
import { createConnection, createServer } from '../src/index.ts'

/**
 * Each connection gets its own listening server on 127.0.0.1, port 0. The server's transport
 * calls `connectionMade` synchronously after the factory, so once the factory has run and the
 * current task has finished, both sides have had `connectionMade`.
 */
const tcpHarness: TransportHarness = {
  name: 'tcp',
  connect: async ({ client, server, clientOptions = {}, serverOptions = {} }) => {
    let accepted: (protocol: AnyProtocol) => void = () => undefined
    const serverMade = new Promise<AnyProtocol>((resolve) => {
      accepted = resolve
    })
    const listener = await createServer(
      () => {
        const protocol = server()
        accepted(protocol)
        return protocol
      },
      { ...serverOptions, host: '127.0.0.1', port: 0 },
    )
    try {
      const port = listener.addresses()[0]?.port
      if (port === undefined) {
        throw new Error('the server listens on no address')
      }
      const connection = await createConnection(client, {
        ...clientOptions,
        host: '127.0.0.1',
        port,
      })
      await serverMade
      listener.close()
      return {
        reset: () => {
          // SO_LINGER 0 and close: the kernel sends an RST, as a crashed peer's would.
          connection.transport.getExtraInfo('socket')?.resetAndDestroy()
        },
        dispose: async () => {
          connection.transport.abort()
          listener.abortClients()
          await listener.waitClosed()
        },
      }
    } catch (error) {
      listener.close()
      listener.abortClients()
      throw error
    }
  },
}

describeTransportCompliance(tcpHarness)
