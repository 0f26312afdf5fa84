import type { Socket } from 'node:net'
import type { AnyProtocol } from '@wirekit/protocol-core'
import { testCertificate } from '@wirekit/test-certificates'
import { describeTransportCompliance, type TransportHarness } from '@wirekit/transport-compliance'
import { createConnection, createServer } from '../src/index.ts'

/**
 * The contract over TLS: a TLS server per connection on 127.0.0.1, port 0, and a client that
 * verifies it. The server's transport exists once its handshake is done, which may be after the
 * client's (TLS 1.3 finishes the client's side first): the harness waits for both.
 */
/**
 * A TLS 1.3 client finishes its handshake before the server: a client that aborts inside its
 * `connectionMade` may close the connection before its last handshake message leaves, and then
 * the server never makes a protocol, which these tests need.
 */
const CLIENT_ABORTS_FIRST =
  'a client aborting in connectionMade can end the connection before the server has one (TLS 1.3)'

const tlsHarness: TransportHarness = {
  name: 'tls',
  notApplicable: {
    "abort() inside the client's connectionMade calls connectionLost after it returned":
      CLIENT_ABORTS_FIRST,
    'connectionMade of the client: reported once, aborted, connectionLost(that error)':
      CLIENT_ABORTS_FIRST,
  },
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
      { ...serverOptions, host: '127.0.0.1', port: 0, tls: testCertificate('server') },
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
        tls: { ca: testCertificate('ca').cert, servername: 'localhost' },
      })
      await serverMade
      listener.close()
      return {
        reset: () => {
          // An RST from the TCP connection under TLS, as a crashed peer's would be.
          const tls = connection.transport.getExtraInfo('socket') as Socket & { _parent?: Socket }
          tls._parent?.resetAndDestroy()
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

describeTransportCompliance(tlsHarness)
