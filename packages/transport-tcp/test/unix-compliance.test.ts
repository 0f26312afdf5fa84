import type { Socket } from 'node:net'
import type { AnyProtocol, Transport } from '@wirekit/protocol-core'
import { describeTransportCompliance, type TransportHarness } from '@wirekit/transport-compliance'
import { createUnixConnection, createUnixServer, type UnixExtraInfo } from '../src/index.ts'
import { socketDirectory } from './unix-helpers.ts'

const sockets = socketDirectory()

/**
 * Resets a Unix connection from the client's end the way the kernel does: a Unix stream socket
 * closed with bytes unread in its receive queue leaves its peer `ECONNRESET` (there is no
 * `SO_LINGER` 0 for Unix sockets). The client stops reading, the server's socket sends it a byte
 * behind the transports' backs, and once the kernel holds it the client's socket is destroyed.
 */
function resetFromClient(client: Socket, server: Socket): void {
  client.pause()
  server.write(Buffer.from([0]), () => {
    client.destroy()
  })
}

/**
 * Each connection gets its own listening server on a fresh path in a temporary directory, as the
 * TCP harness gets its own port.
 */
const unixHarness: TransportHarness = {
  name: 'unix',
  addressForm: 'path',
  connect: async ({ client, server, clientOptions = {}, serverOptions = {} }) => {
    let accepted: (protocol: AnyProtocol) => void = () => undefined
    const serverMade = new Promise<AnyProtocol>((resolve) => {
      accepted = resolve
    })
    const path = sockets.path()
    const listener = await createUnixServer(
      () => {
        const protocol = server()
        accepted(protocol)
        return protocol
      },
      { ...serverOptions, path },
    )
    try {
      const connection = await createUnixConnection(client, { ...clientOptions, path })
      const serverProtocol = await serverMade
      listener.close()
      return {
        reset: () => {
          // The suite's protocols keep their transport, as every Protocol does.
          const { transport } = serverProtocol as { transport?: Transport<UnixExtraInfo> }
          const serverSocket = transport?.getExtraInfo('socket')
          const clientSocket = connection.transport.getExtraInfo('socket')
          if (serverSocket === undefined || clientSocket === undefined) {
            throw new Error('a Unix transport without its socket')
          }
          resetFromClient(clientSocket, serverSocket)
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

describeTransportCompliance(unixHarness)
